import { z } from 'zod';

/**
 * Raw Renault bodies that commands send, get back and re-read (spec §4.7, §5, §6), parsed
 * leniently: unknown fields are kept, a field of an unexpected type becomes absent.
 */

const str = z.string().optional().catch(undefined);
const num = z
  .preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), z.number().finite())
  .optional()
  .catch(undefined);

/** The JSON:API echo of an accepted action: `{data: {type, id, attributes}}` (spec §3). */
export const ActionEchoSchema = z.object({ data: z.object({ type: str, id: str }).loose() }).loose();

/** KCM ev/settings (plain JSON): what charge_start posts back with every program switched off. */
export const EvSettingsSchema = z
  .object({
    programs: z.array(z.object({ programActivationStatus: z.unknown() }).loose()).default([]),
  })
  .loose();
export type RawEvSettings = z.infer<typeof EvSettingsSchema>;

const NotificationSchema = z
  .object({
    notificationId: str,
    notifDate: str,
    vin: str,
    actionType: str,
    commandType: str,
    commandResponse: z.object({ status: str }).loose().optional().catch(undefined),
  })
  .loose();
export type RawNotification = z.infer<typeof NotificationSchema>;

/** notifications/kmr: a bare array (renault-api wraps it as {data: [...]}; both are taken). */
export const NotificationsSchema = z.union([
  z.array(NotificationSchema.catch({})),
  z.object({ data: z.array(NotificationSchema.catch({})) }).loose().transform((o) => o.data),
]);

function kca<T extends z.ZodTypeAny>(attributes: T) {
  return z.object({ data: z.object({ attributes: attributes.optional().catch(undefined) }).loose() }).loose();
}

/** The reads that confirm a command, reduced to what the confirmation looks at. */
export const HvacReadSchema = kca(z.object({ hvacStatus: str, nextHvacStartDate: str, lastUpdateTime: str }).loose());
export const BatteryReadSchema = kca(z.object({ timestamp: str, plugStatus: num, chargingStatus: num }).loose());
export const LocationReadSchema = kca(z.object({ gpsLatitude: num, gpsLongitude: num, lastUpdateTime: str }).loose());
