// @ts-nocheck
import { CarError, ChargingChangeSchema, ChargingSettingsSchema, TokenRejectedError, type ChargingChange, type ChargingSettings, type DepartureTimer, type Vehicle } from '../../core';
import type { CallOptions, ProviderContext } from '../provider';
import { kamereon, type KamereonAuth } from './api';
import {
  calendarToKca,
  chargeSlotsToPost,
  hvacSlotsToPost,
  mapChargeMode,
  mapChargeSchedule,
  mapChargingSettings,
  mapEvSettings,
  mapHvacSettings,
  mapSocLevels,
  newest,
  scheduleToKca,
  timerToHvac,
  timerToProgram,
  type ChargeSlotBody,
  type HvacSlotBody,
} from './charging-map';
import { chargingPlan, canReadCharging, type ChargingEndpoint, type Source } from './charging-plan';
import { checkChange } from './charging-rules';
import { actionBody, endpointMethod, endpointPath, idsOf, parseRead, type ReadEndpointName } from './endpoints';
import { RefusalMemory, isTemporaryRefusal, type Refusal } from './refusals';
import { actionIdOf } from './schemas';

/** Refusals that say "this car has no such endpoint" (spec §7.2), as opposed to privacy mode or an outage. */
const ABSENT_CODES = new Set(['err.func.wired.forbidden', 'err.func.wired.notFound', 'err.func.wired.not-found', 'err.tech.501', 'err.func.403']);

/** An undocumented endpoint's refusal: notFound / a 404 for a while (back-off), the others for good. */
function absence(e: CarError): Refusal | undefined {
  if (e.code !== 'NOT_SUPPORTED' || !(ABSENT_CODES.has(e.upstreamCode ?? '') || e.status === 404)) return undefined;
  return isTemporaryRefusal(e) ? 'temporary' : 'permanent';
}

type ChargingRead = Extract<ChargingEndpoint, ReadEndpointName>;

interface CallCtx {
  auth: KamereonAuth;
  vehicle: Vehicle;
  opts: CallOptions;
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

/** New entries replace those with the same id; the rest stay; sorted by id. */
function mergeById<T extends { id: number }>(existing: readonly T[], changes: readonly T[]): T[] {
  const byId = new Map<number, T>(existing.map((e) => [e.id, e]));
  for (const c of changes) byId.set(c.id, c);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Programs by position (id = position): a given id replaces that program, a new one is added at the end. */
function mergePrograms(existing: readonly unknown[], timers: readonly DepartureTimer[]): unknown[] {
  const out = [...existing];
  for (const t of [...timers].sort((a, b) => a.id - b.id)) {
    const i = t.id - 1;
    if (i > out.length) {
      // Programs have no ids of their own: a gap would renumber them behind the user's back.
      throw new CarError('BAD_INPUT', `departureTimers: id ${t.id} leaves a gap: the car has ${existing.length} program(s), so a new one is id ${out.length + 1}`, { transient: false });
    }
    const current = out[i];
    if (i < out.length) out[i] = timerToProgram(t, isRecord(current) ? current : undefined);
    else out.push(timerToProgram(t, undefined));
  }
  return out;
}

function cannotPostBack(endpoint: string): CarError {
  return new CarError('UPSTREAM', `Renault ${endpoint}: a slot the car has (no id, or a window without its time) cannot be posted back unchanged; nothing was sent`);
}

/**
 * Renault charging settings of one account: charge mode, schedules (KCA v2 / KCM), departure
 * timers, target levels. Remembers the undocumented endpoints ("." in spec §6.3) a car
 * refused, not to ask them again while the account is open (renault-api and Home Assistant
 * do the same), which saves quota. Owned by the account's connection.
 */
export class ChargingClient {
  /** Refused endpoints by their path for the car: a read and a write of the same path share it. */
  private readonly refused = new RefusalMemory();

  constructor(private readonly ctx: ProviderContext) {}

  private async call(c: CallCtx, source: Source, body?: unknown): Promise<unknown> {
    const path = endpointPath(source.endpoint, idsOf(c.vehicle));
    const now = this.ctx.clock.now();
    const known = source.sure ? undefined : this.refused.check(path, now);
    if (known) throw known;
    try {
      const out = await kamereon(this.ctx, c.auth, { method: endpointMethod(source.endpoint), path, name: source.endpoint, kind: c.opts.kind, ...(body !== undefined ? { body } : {}) });
      this.refused.worked(path);
      return out;
    } catch (e) {
      if (!source.sure && e instanceof CarError) throw this.refused.note(path, e, absence(e), now);
      throw e;
    }
  }

  private async fetch<N extends ChargingRead>(c: CallCtx, endpoint: N, sure: boolean) {
    return parseRead(endpoint, await this.call(c, { endpoint, sure }));
  }

  /** The schedules as the car keeps them, mapped, or as they are posted back. */
  private async schedules(c: CallCtx, source: Source<'charging-settings' | 'charge-schedule'>) {
    if (source.endpoint === 'charge-schedule') {
      const raw = await this.fetch(c, 'charge-schedule', source.sure);
      const calendar = raw.data.attributes?.calendar;
      return { mapped: mapChargeSchedule(raw), post: (): ChargeSlotBody[] => (calendar ? calendarToKca(calendar) : []) };
    }
    const raw = await this.fetch(c, 'charging-settings', source.sure);
    return {
      mapped: mapChargingSettings(raw),
      post: (): ChargeSlotBody[] => {
        const slots = chargeSlotsToPost(raw.data.attributes?.schedules ?? []);
        if (!slots) throw cannotPostBack('charging-settings');
        return slots;
      },
    };
  }

  async read(auth: KamereonAuth, vehicle: Vehicle, opts: CallOptions): Promise<ChargingSettings> {
    const plan = chargingPlan(vehicle);
    if (!canReadCharging(vehicle)) {
      throw new CarError('NOT_SUPPORTED', `${vehicle.model ?? 'this car'}: Renault's cloud offers no charging settings for it`, { transient: false });
    }
    const c: CallCtx = { auth, vehicle, opts };
    const out: ChargingSettings = { vin: vehicle.vin };
    const times: (string | undefined)[] = [];
    let utc = false;

    if (plan.mode?.endpoint === 'ev/settings' || plan.timers?.endpoint === 'ev/settings') {
      // One read serves both: mode and programs live in the same object.
      const ev = mapEvSettings(await this.fetch(c, 'ev/settings', true));
      times.push(ev.updatedAt);
      if (ev.mode) out.mode = ev.mode;
      out.departureTimers = ev.departureTimers ?? [];
    }

    const sched = plan.schedules;
    if (sched) {
      // The main source of a car without KCM: its failure is the read's failure unless undocumented.
      const got = sched.sure ? await this.schedules(c, sched) : await optional(sched, () => this.schedules(c, sched));
      if (got) {
        out.schedules = got.mapped.schedules ?? [];
        utc = true;
        times.push(got.mapped.updatedAt);
        if (got.mapped.mode && plan.mode?.endpoint === 'charging-settings') out.mode = got.mapped.mode;
      }
    }

    if (plan.mode?.endpoint === 'charge-mode') {
      const mode = (await optional(plan.mode, (s) => this.fetch(c, 'charge-mode', s.sure).then(mapChargeMode)))?.mode;
      if (mode) out.mode = mode;
    }

    if (plan.timers?.endpoint === 'hvac-settings') {
      const hvac = await optional(plan.timers, (s) => this.fetch(c, 'hvac-settings', s.sure).then(mapHvacSettings));
      if (hvac) {
        out.departureTimers = hvac.departureTimers ?? [];
        utc = true;
        times.push(hvac.updatedAt);
      }
    }

    const levels = await optional(plan.levels, (s) => this.fetch(c, 'ev/soc-levels', s.sure).then(mapSocLevels));
    if (levels) {
      if (levels.targetSocPercent !== undefined) out.targetSocPercent = levels.targetSocPercent;
      if (levels.minSocPercent !== undefined) out.minSocPercent = levels.minSocPercent;
      times.push(levels.updatedAt);
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
  }

  /**
   * Checks the whole change first (nothing is sent on bad input), then writes each part once:
   * ev/settings (mode and programs, one GET-modify-POST), schedules, climate timers, charge
   * mode, charge levels. Never retried. Returns the action ids the cloud gave.
   */
  async write(auth: KamereonAuth, vehicle: Vehicle, change: ChargingChange, opts: CallOptions): Promise<{ actionIds: string[] }> {
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
    const c: CallCtx = { auth, vehicle, opts };
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

    const evMode = change.mode !== undefined && plan.writeMode?.endpoint === 'actions/ev-settings';
    const evTimers = change.departureTimers !== undefined && plan.writeTimers?.endpoint === 'actions/ev-settings';
    if (evMode || evTimers) {
      await step(evMode && evTimers ? 'charge mode and departure programs' : evMode ? 'charge mode' : 'departure programs', async () => {
        // Posted back whole: what the plugin does not model goes back as the car sent it.
        const body = await this.call(c, { endpoint: 'ev/settings', sure: true });
        parseRead('ev/settings', body);
        const next: Record<string, unknown> = { ...(body as Record<string, unknown>) };
        delete next.lastSettingsUpdateTimestamp;
        if (evMode) next.chargeModeRq = change.mode === 'always' ? 'ALWAYS' : 'SCHEDULED';
        if (evTimers) next.programs = mergePrograms(Array.isArray(next.programs) ? next.programs : [], change.departureTimers ?? []);
        return actionIdOf(await this.call(c, { endpoint: 'actions/ev-settings', sure: true }, next));
      });
    }

    const writeSchedules = plan.writeSchedules;
    if (change.schedules && writeSchedules) {
      const given = change.schedules;
      await step('charge schedules', async () => {
        const existing = plan.maxSchedules > 1 && plan.schedules ? (await this.schedules(c, plan.schedules)).post() : [];
        const schedules = mergeById(existing, given.map(scheduleToKca));
        return actionIdOf(await this.call(c, writeSchedules, actionBody(writeSchedules.endpoint, { schedules })));
      });
    }

    const writeTimers = plan.writeTimers;
    if (change.departureTimers && writeTimers?.endpoint === 'actions/hvac-schedule' && plan.timers) {
      const given = change.departureTimers;
      const readFrom = plan.timers;
      await step('climate timers', async () => {
        const raw = await this.fetch(c, 'hvac-settings', readFrom.sure);
        const existing: HvacSlotBody[] | undefined = hvacSlotsToPost(raw.data.attributes?.schedules ?? []);
        if (!existing) throw cannotPostBack('hvac-settings');
        const schedules = mergeById(existing, given.map(timerToHvac));
        return actionIdOf(await this.call(c, writeTimers, actionBody('actions/hvac-schedule', { schedules })));
      });
    }

    const writeMode = plan.writeMode;
    if (change.mode !== undefined && writeMode?.endpoint === 'actions/charge-mode') {
      // "always_charging"/"schedule_mode": the values every model takes (spec §5.1).
      const action = change.mode === 'always' ? 'always_charging' : 'schedule_mode';
      await step('charge mode', async () => actionIdOf(await this.call(c, writeMode, actionBody('actions/charge-mode', { action }))));
    }

    const writeLevels = plan.writeLevels;
    if ((change.targetSocPercent !== undefined || change.minSocPercent !== undefined) && writeLevels && plan.levels) {
      const readFrom = plan.levels;
      await step('charge levels', async () => {
        let socMin = change.minSocPercent;
        let socTarget = change.targetSocPercent;
        if (socMin === undefined || socTarget === undefined) {
          // Renault takes both together: the one not given stays what the car has.
          const current = mapSocLevels(await this.fetch(c, 'ev/soc-levels', readFrom.sure));
          socMin ??= current.minSocPercent;
          socTarget ??= current.targetSocPercent;
          if (socMin === undefined || socTarget === undefined) {
            throw new CarError('BAD_INPUT', 'Renault did not say the current charge levels: give both targetSocPercent and minSocPercent');
          }
        }
        return actionIdOf(await this.call(c, writeLevels, { socMin, socTarget }));
      });
    }
    return { actionIds };
  }

  /** Forgets what cars refused (the account closed). */
  clear(): void {
    this.refused.clear();
  }
}
