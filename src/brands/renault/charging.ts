import { CarError, ChargingChangeSchema, ChargingSettingsSchema, TokenRejectedError, type ChargeSchedule, type ChargingChange, type ChargingSettings, type DepartureTimer, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import { kamereon } from './api';
import type { RenaultAuthState } from './auth';
import {
  calendarToCore,
  calendarToKca,
  completeHvacSchedule,
  completeKcaSchedule,
  hvacToTimers,
  kcaSchedulesToCore,
  mapChargeMode,
  newest,
  programsToTimers,
  scheduleToKca,
  timerToHvac,
  timerToProgram,
} from './charging-map';
import { CHARGING_PATHS, canReadCharging, canWriteCharging, chargingPlan, type ChargingEndpoint, type Source } from './charging-plan';
import { checkChange } from './charging-rules';
import {
  RawActionEchoSchema,
  RawChargeCalendarSchema,
  RawChargeModeSchema,
  RawChargingSettingsSchema,
  RawEvSettingsSchema,
  RawHvacSettingsSchema,
  RawSocLevelsSchema,
  type RawChargeSchedule,
  type RawEvSettings,
  type RawHvacSchedule,
} from './charging-schemas';
import type { z } from 'zod';

type RenaultSession = RenaultAuthState & { jwt: string };

/** Refusals that say "this car has no such endpoint" (spec §7.2), as opposed to privacy mode or an outage. */
const ABSENT_CODES = new Set(['err.func.wired.forbidden', 'err.func.wired.notFound', 'err.func.wired.not-found', 'err.tech.501', 'err.func.403']);

/**
 * Undocumented endpoints ("." in §6.3) that a car refused: not asked again while the process
 * lives (renault-api / Home Assistant do the same), which saves quota. Keyed by server and VIN.
 */
const refused = new Set<string>();
const REFUSED_MAX = 2_000;

function refusalKey(ctx: ProviderContext, vehicle: Vehicle, endpoint: ChargingEndpoint): string {
  return `${ctx.config.servers.kamereon ?? ''}|${vehicle.vin}|${endpoint}`;
}

interface CallCtx {
  ctx: ProviderContext;
  auth: RenaultSession;
  vehicle: Vehicle;
  opts: CallOptions;
}

async function call(c: CallCtx, source: Source, method: 'GET' | 'POST', body?: unknown): Promise<unknown> {
  const { ctx, auth, vehicle } = c;
  if (!vehicle.accountId) throw new CarError('BAD_INPUT', `vehicle ${vehicle.vin} has no Renault account id`);
  const key = refusalKey(ctx, vehicle, source.endpoint);
  if (!source.sure && refused.has(key)) {
    throw new CarError('NOT_SUPPORTED', `Renault ${source.endpoint}: this car refused it before`, { transient: false });
  }
  const path = `/accounts/${encodeURIComponent(vehicle.accountId)}/kamereon/${CHARGING_PATHS[source.endpoint].replace('{vin}', encodeURIComponent(vehicle.vin))}`;
  try {
    return await kamereon(ctx, auth, { method, path, kind: c.opts.kind, ...(body !== undefined ? { body } : {}) });
  } catch (e) {
    if (!source.sure && e instanceof CarError && e.code === 'NOT_SUPPORTED' && (ABSENT_CODES.has(e.upstreamCode ?? '') || e.status === 404)) {
      if (refused.size >= REFUSED_MAX) refused.clear();
      refused.add(key);
    }
    throw e;
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown, endpoint: string): z.infer<T> {
  const p = schema.safeParse(body);
  if (!p.success) throw new CarError('UPSTREAM', `Renault ${endpoint}: the answer is not a ${endpoint} response`);
  return p.data;
}

/** Reads an optional part: a refusal of an undocumented or extra endpoint leaves the part out. */
async function optional<T>(source: Source | undefined, read: (s: Source) => Promise<T>): Promise<T | undefined> {
  if (!source) return undefined;
  try {
    return await read(source);
  } catch (e) {
    if (e instanceof CarError && e.code === 'NOT_SUPPORTED') return undefined;
    throw e;
  }
}

function actionId(body: unknown): string | undefined {
  const p = RawActionEchoSchema.safeParse(body);
  if (!p.success) return undefined;
  return p.data.data?.id ?? p.data.commandId;
}

async function readEvSettings(c: CallCtx): Promise<RawEvSettings> {
  return parse(RawEvSettingsSchema, await call(c, { endpoint: 'ev/settings', sure: true }, 'GET'), 'ev/settings');
}

async function readRawSchedules(c: CallCtx, source: Source<'charging-settings' | 'charge-schedule'>) {
  if (source.endpoint === 'charge-schedule') {
    const raw = parse(RawChargeCalendarSchema, await call(c, source, 'GET'), 'charge-schedule');
    const calendar = raw.data.attributes?.calendar ?? {};
    return { kca: calendarToKca(calendar), core: calendarToCore(calendar), mode: undefined, at: undefined };
  }
  const raw = parse(RawChargingSettingsSchema, await call(c, source, 'GET'), 'charging-settings');
  const a = raw.data.attributes ?? {};
  const schedules = a.schedules ?? [];
  return { kca: schedules, core: kcaSchedulesToCore(schedules), mode: a.mode, at: a.dateTime };
}

async function readRawHvac(c: CallCtx, source: Source): Promise<{ schedules: RawHvacSchedule[]; at?: string }> {
  const raw = parse(RawHvacSettingsSchema, await call(c, source, 'GET'), 'hvac-settings');
  const a = raw.data.attributes ?? {};
  return { schedules: a.schedules ?? [], ...(a.dateTime ? { at: a.dateTime } : {}) };
}

async function readLevels(c: CallCtx, source: Source) {
  return parse(RawSocLevelsSchema, await call(c, source, 'GET'), 'ev/soc-levels');
}

/** New entries replace those with the same id; the rest stay; sorted by id. */
function mergeById<T extends { id: number }>(existing: readonly T[], changes: readonly T[]): T[] {
  const byId = new Map<number, T>(existing.map((e) => [e.id, e]));
  for (const c of changes) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** Renault charging settings: charge mode, schedules (KCA v2 / KCM), departure timers, target levels. */
export const renaultCharging = {
  canRead(vehicle: Vehicle): boolean {
    return canReadCharging(vehicle);
  },
  canWrite(vehicle: Vehicle): boolean {
    return canWriteCharging(vehicle);
  },

  async read(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, opts: CallOptions): Promise<ChargingSettings> {
    const plan = chargingPlan(vehicle);
    if (!canReadCharging(vehicle)) {
      throw new CarError('NOT_SUPPORTED', `${vehicle.model ?? 'this car'}: Renault's cloud offers no charging settings for it`, { transient: false });
    }
    const c: CallCtx = { ctx, auth, vehicle, opts };
    const out: ChargingSettings = { vin: vehicle.vin };
    const times: (string | undefined)[] = [];
    let utc = false;

    if (plan.mode?.endpoint === 'ev/settings' || plan.timers?.endpoint === 'ev/settings') {
      // One read serves both: mode and programs live in the same object.
      const ev = await readEvSettings(c);
      times.push(ev.lastSettingsUpdateTimestamp);
      const mode = mapChargeMode(ev.chargeModeRq);
      if (mode) out.mode = mode;
      out.departureTimers = programsToTimers(ev.programs ?? []);
    }

    const sched = plan.schedules;
    if (sched) {
      // The main source of a car without KCM: its failure is the read's failure unless undocumented.
      const got = sched.sure ? await readRawSchedules(c, sched) : await optional(sched, () => readRawSchedules(c, sched));
      if (got) {
        out.schedules = got.core;
        utc = true;
        times.push(got.at);
        const mode = mapChargeMode(got.mode);
        if (mode && plan.mode?.endpoint === 'charging-settings') out.mode = mode;
      }
    }

    if (plan.mode?.endpoint === 'charge-mode') {
      const body = await optional(plan.mode, (s) => call(c, s, 'GET'));
      if (body !== undefined) {
        const mode = mapChargeMode(parse(RawChargeModeSchema, body, 'charge-mode').data.attributes?.chargeMode);
        if (mode) out.mode = mode;
      }
    }

    if (plan.timers?.endpoint === 'hvac-settings') {
      const hvac = await optional(plan.timers, (s) => readRawHvac(c, s));
      if (hvac) {
        out.departureTimers = hvacToTimers(hvac.schedules);
        utc = true;
        times.push(hvac.at);
      }
    }

    const levels = await optional(plan.levels, (s) => readLevels(c, s));
    if (levels) {
      if (levels.socTarget !== undefined && levels.socTarget >= 0 && levels.socTarget <= 100) out.targetSocPercent = levels.socTarget;
      if (levels.socMin !== undefined && levels.socMin >= 0 && levels.socMin <= 100) out.minSocPercent = levels.socMin;
      times.push(levels.lastEnergyUpdateTimestamp);
    }

    if (utc) out.timeZone = 'UTC';
    const at = newest(times);
    if (at) out.updatedAt = at;
    if (out.mode === undefined && out.schedules === undefined && out.departureTimers === undefined && out.targetSocPercent === undefined) {
      throw new CarError('NOT_SUPPORTED', `${vehicle.model ?? 'this car'}: Renault's cloud answered none of the charging settings endpoints`, { transient: false });
    }
    const checked = ChargingSettingsSchema.safeParse(out);
    if (!checked.success) throw new CarError('UPSTREAM', `Renault charging settings: unexpected values (${checked.error.issues[0]?.message ?? 'invalid'})`);
    return checked.data;
  },

  /**
   * Checks the whole change first (nothing is sent on bad input), then writes each part once:
   * ev/settings (mode and programs, one GET-modify-POST), schedules, climate timers, charge
   * mode, charge levels. Never retried. Returns the action ids the cloud gave.
   */
  async write(ctx: ProviderContext, auth: RenaultSession, vehicle: Vehicle, change: ChargingChange, opts: CallOptions): Promise<{ actionIds: string[] }> {
    const plan = chargingPlan(vehicle);
    // Callers other than car-charging may not have checked the shape: check it here too.
    const parsed = ChargingChangeSchema.safeParse(change);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '') || 'change';
      throw new CarError('BAD_INPUT', `${field}: ${issue?.message ?? 'invalid'}`, { transient: false });
    }
    change = parsed.data;
    checkChange(vehicle, plan, change);
    const c: CallCtx = { ctx, auth, vehicle, opts };
    const actionIds: string[] = [];
    const sent: string[] = [];
    const step = async (what: string, fn: () => Promise<string | undefined>): Promise<void> => {
      try {
        const id = await fn();
        if (id) actionIds.push(id);
        sent.push(id ? `${what} (action ${id})` : what);
      } catch (e) {
        if (sent.length > 0 && e instanceof TokenRejectedError) {
          // The session would re-run the whole write after a new token: parts would go twice.
          throw new CarError('UPSTREAM', `Renault refused the access token midway; already sent: ${sent.join(', ')}; send the rest again`);
        }
        if (sent.length === 0 || !(e instanceof CarError)) throw e;
        // Say what already reached Renault, so that nobody sends it again blindly.
        throw new CarError(e.code, `${e.message}; already sent: ${sent.join(', ')}`, {
          transient: e.transient,
          ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}),
          ...(e.status !== undefined ? { status: e.status } : {}),
          ...(e.upstreamCode !== undefined ? { upstreamCode: e.upstreamCode } : {}),
        });
      }
    };

    const evMode = change.mode !== undefined && plan.writeMode?.endpoint === 'ev/settings';
    const evTimers = change.departureTimers !== undefined && plan.writeTimers?.endpoint === 'ev/settings';
    if (evMode || evTimers) {
      await step(evMode && evTimers ? 'charge mode and departure programs' : evMode ? 'charge mode' : 'departure programs', async () => {
        const current = await readEvSettings(c);
        const next: RawEvSettings = { ...current };
        delete next.lastSettingsUpdateTimestamp;
        if (evMode) next.chargeModeRq = change.mode === 'always' ? 'ALWAYS' : 'SCHEDULED';
        if (evTimers) next.programs = mergePrograms(current.programs ?? [], change.departureTimers ?? []);
        return actionId(await call(c, { endpoint: 'ev/settings', sure: true }, 'POST', next));
      });
    }

    const writeSchedules = plan.writeSchedules;
    if (change.schedules && writeSchedules) {
      const given = change.schedules;
      await step('charge schedules', async () => {
        let existing: RawChargeSchedule[] = [];
        if (plan.maxSchedules > 1 && plan.schedules) existing = (await readRawSchedules(c, plan.schedules)).kca.map(completeKcaSchedule);
        const schedules = mergeById(existing, given.map((s: ChargeSchedule) => scheduleToKca(s)));
        const body = { data: { type: 'ChargeSchedule', attributes: { schedules } } };
        return actionId(await call(c, writeSchedules, 'POST', body));
      });
    }

    const writeTimers = plan.writeTimers;
    if (change.departureTimers && writeTimers?.endpoint === 'actions/hvac-schedule' && plan.timers) {
      const given = change.departureTimers;
      const readFrom = plan.timers;
      await step('climate timers', async () => {
        const existing = (await readRawHvac(c, readFrom)).schedules.map(completeHvacSchedule);
        const schedules = mergeById(existing, given.map((t: DepartureTimer) => timerToHvac(t)));
        const body = { data: { type: 'HvacSchedule', attributes: { schedules } } };
        return actionId(await call(c, writeTimers, 'POST', body));
      });
    }

    const writeMode = plan.writeMode;
    if (change.mode !== undefined && writeMode?.endpoint === 'actions/charge-mode') {
      // "always_charging"/"schedule_mode": the values every model takes (spec §5.1).
      const action = change.mode === 'always' ? 'always_charging' : 'schedule_mode';
      await step('charge mode', async () => actionId(await call(c, writeMode, 'POST', { data: { type: 'ChargeMode', attributes: { action } } })));
    }

    const writeLevels = plan.writeLevels;
    if ((change.targetSocPercent !== undefined || change.minSocPercent !== undefined) && writeLevels && plan.levels) {
      const readFrom = plan.levels;
      await step('charge levels', async () => {
        let socMin = change.minSocPercent;
        let socTarget = change.targetSocPercent;
        if (socMin === undefined || socTarget === undefined) {
          // Renault takes both together: the one not given stays what the car has.
          const current = await readLevels(c, readFrom);
          socMin ??= current.socMin;
          socTarget ??= current.socTarget;
          if (socMin === undefined || socTarget === undefined) {
            throw new CarError('BAD_INPUT', 'Renault did not say the current charge levels: give both targetSocPercent and minSocPercent');
          }
        }
        return actionId(await call(c, writeLevels, 'POST', { socMin, socTarget }));
      });
    }
    return { actionIds };
  },
};

/** Programs by position (id = position): a given id replaces that program, a new one is added at the end. */
function mergePrograms(existing: NonNullable<RawEvSettings['programs']>, timers: readonly DepartureTimer[]): NonNullable<RawEvSettings['programs']> {
  const out = [...existing];
  for (const t of [...timers].sort((a, b) => a.id - b.id)) {
    const i = t.id - 1;
    if (i > out.length) {
      // Programs have no ids of their own: a gap would renumber them behind the user's back.
      throw new CarError('BAD_INPUT', `departureTimers: id ${t.id} leaves a gap: the car has ${existing.length} program(s), so a new one is id ${out.length + 1}`, { transient: false });
    }
    if (i < out.length) out[i] = timerToProgram(t, out[i]);
    else out.push(timerToProgram(t, undefined));
  }
  return out;
}
