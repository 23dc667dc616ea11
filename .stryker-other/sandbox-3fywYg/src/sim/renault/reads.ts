/**
 * Bodies of the simulated Kamereon reads (spec §4, §5), built from the world's reports in the
 * dialect of each model (which optional fields appear, units, `data.type` or not).
 */
// @ts-nocheck

import type { DemoAccount, ModelProfile, ReadKey } from './data';
import { DAYS, fmtHhMm, type ChargeRecord, type SimCar } from './world';
import { isoMs, isoOffset, isoZ, ymd } from './wire';

type Attrs = Record<string, unknown>;

export interface ReadContext {
  readonly car: SimCar;
  readonly query: URLSearchParams;
  readonly now: number;
  readonly baseUrl: string;
}

export type ReadResult = { ok: true; body: unknown } | { ok: false; error: 'badParam'; param: string; detail: string };

const round1 = (n: number): number => Math.round(n * 10) / 10;
const round2 = (n: number): number => Math.round(n * 100) / 100;

function kca(car: SimCar, attributes: Attrs, type = 'Car'): unknown {
  const data: Attrs = {};
  if (car.profile.jsonApiType) data.type = type;
  data.id = car.spec.vin;
  data.attributes = attributes;
  return { data };
}

function autonomyKm(p: ModelProfile, soc: number): number {
  const ev = p.ev;
  return ev ? Math.round((((soc / 100) * ev.batteryKwh) / ev.kwhPer100km) * 100) : 0;
}

function battery(car: SimCar): Attrs {
  const b = car.battery;
  const p = car.profile;
  const level = Math.round(b.soc);
  // plugStatus 3: "plugged, waiting for the charger" as a Twingo ZE reported it (renault-api #1304,
  // #1561); answered here by the ZE50 while it waits for current.
  const waiting = b.chargingStatus === 0.3;
  const plugStatus = b.plugged ? (waiting && p.dialect === 'ze50' ? 3 : 1) : 0;
  // The remaining time is reported while charging and while waiting for current.
  const charging = b.chargingStatus === 1 || waiting;
  const kwh = p.ev?.batteryKwh ?? 0;
  switch (p.dialect) {
    case 'ze40':
      return {
        timestamp: isoOffset(b.at, 60),
        batteryLevel: level,
        batteryTemperature: b.batteryTempC,
        batteryAutonomy: autonomyKm(p, b.soc),
        batteryCapacity: 0,
        batteryAvailableEnergy: 0,
        plugStatus,
        chargingStatus: b.chargingStatus,
        chargingRemainingTime: charging ? b.remainingMin : undefined,
        // GDC gateway: watts
        chargingInstantaneousPower: b.plugged ? Math.round(b.powerKw * 1000) : undefined,
      };
    case 'ze50':
      return {
        timestamp: isoZ(b.at),
        batteryLevel: level,
        batteryTemperature: b.batteryTempC,
        batteryAutonomy: autonomyKm(p, b.soc),
        batteryCapacity: 0,
        batteryAvailableEnergy: Math.round((b.soc / 100) * kwh),
        plugStatus,
        chargingStatus: b.chargingStatus,
        chargingRemainingTime: charging ? b.remainingMin : undefined,
        chargingInstantaneousPower: b.plugged ? round1(b.powerKw) : undefined,
      };
    case 'spring':
      return {
        timestamp: isoZ(b.at),
        batteryLevel: level,
        batteryTemperature: b.batteryTempC,
        batteryAutonomy: autonomyKm(p, b.soc),
        plugStatus,
        chargingStatus: b.chargingStatus,
        chargingRemainingTime: charging ? b.remainingMin : undefined,
        chargingInstantaneousPower: charging ? round1(b.powerKw) : undefined,
      };
    default:
      return {
        timestamp: isoZ(b.at),
        batteryLevel: level,
        batteryAutonomy: autonomyKm(p, b.soc),
        plugStatus,
        chargingStatus: b.chargingStatus,
        chargingRemainingTime: charging ? (b.remainingMin ?? 0) : 0,
        chargingInstantaneousPower: charging ? round1(b.powerKw) : undefined,
        V2L_SystemStatusDisplay: 0,
      };
  }
}

function cockpit(car: SimCar): Attrs {
  const r = car.position;
  const p = car.profile;
  switch (p.dialect) {
    case 'ze50':
      return { fuelAutonomy: 0, fuelQuantity: 0, totalMileage: round2(r.odometerKm) };
    case 'modern':
      return { fuelQuantity: 0.0, totalMileage: Math.round(r.odometerKm) };
    case 'hybrid': {
      const fuel = r.fuelL ?? 0;
      const per100 = p.fuel?.litresPer100km ?? 6;
      return { fuelAutonomy: Math.round((fuel / per100) * 100), fuelQuantity: Math.round(fuel), totalMileage: Math.round(r.odometerKm) };
    }
    default:
      return { totalMileage: round2(r.odometerKm) };
  }
}

function location(car: SimCar): Attrs {
  const r = car.position;
  const base: Attrs = { gpsLatitude: r.lat, gpsLongitude: r.lon, lastUpdateTime: isoZ(r.at) };
  if (car.profile.dialect === 'ze50') base.gpsDirection = null;
  return base;
}

function hvacStatus(car: SimCar): Attrs {
  const h = car.hvac;
  const next = h.nextStartAt !== undefined ? isoZ(h.nextStartAt) : undefined;
  switch (car.profile.dialect) {
    case 'ze40':
      // ZE40 reports "off" even while preconditioning (spec §5 notes)
      return { externalTemperature: h.outsideTempC, hvacStatus: 'off' };
    case 'ze50':
      return { socThreshold: 40, hvacStatus: h.on ? 'on' : 'off', externalTemperature: h.outsideTempC, nextHvacStartDate: next, lastUpdateTime: isoZ(h.at) };
    case 'spring':
      return { socThreshold: 30.0, hvacStatus: h.on ? 'on' : 'off', nextHvacStartDate: next, lastUpdateTime: isoZ(h.at) };
    default:
      return { internalTemperature: h.insideTempC, hvacStatus: h.on ? 'on' : 'off', socThreshold: 15.0, nextHvacStartDate: next, lastUpdateTime: isoZ(h.at) };
  }
}

function tHhMmZ(min: number): string {
  return `T${fmtHhMm(min)}Z`;
}

function hvacSettings(car: SimCar): Attrs {
  return {
    dateTime: isoMs(car.hvacSettingsAt),
    mode: 'scheduled',
    schedules: car.hvacSlots.map((s) => {
      const o: Attrs = { id: s.id, activated: s.activated };
      for (const d of DAYS) {
        const e = s.days[d];
        if (e) o[d] = { readyAtTime: tHhMmZ(e.readyAtMin) };
      }
      return o;
    }),
  };
}

function chargingSettings(car: SimCar): Attrs {
  return {
    dateTime: isoZ(car.chargeSettingsAt),
    mode: car.chargeMode,
    schedules: car.chargeSlots.map((s) => {
      const o: Attrs = { id: s.id, activated: s.activated };
      for (const d of DAYS) {
        const e = s.days[d];
        if (e) o[d] = { startTime: tHhMmZ(e.startMin), duration: e.durationMin };
      }
      return o;
    }),
  };
}

function chargeSchedule(car: SimCar): Attrs {
  const calendar: Attrs = {};
  for (const d of DAYS) {
    calendar[d] = car.chargeSlots
      .filter((s) => s.days[d])
      .map((s) => {
        const e = s.days[d] ?? { startMin: 0, durationMin: 0 };
        return { startTime: fmtHhMm(e.startMin, ''), duration: e.durationMin, activationState: s.activated };
      });
  }
  return { calendar };
}

/** YYYYMMDD / YYYY-MM-DD / YYYYMM / YYYY-MM → UTC ms of the first day. */
function parseDay(s: string | null, monthOk: boolean): number | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-?(\d{2})(?:-?(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  if (m[3] === undefined && !monthOk) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] === undefined ? 1 : Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

/** Minutes on ZE40/R5/Spring; seconds on ZE50 (spec §5 notes). */
function durationUnit(p: ModelProfile): number {
  return p.dialect === 'ze50' ? 60 : 1;
}

function chargeRange(ctx: ReadContext, monthOk: boolean): { from: number; to: number } | ReadResult {
  const startRaw = ctx.query.get('start');
  const endRaw = ctx.query.get('end');
  const from = parseDay(startRaw, monthOk);
  const toStart = parseDay(endRaw, monthOk);
  if (from === undefined) return { ok: false, error: 'badParam', param: 'start', detail: 'start must be YYYYMMDD' };
  if (toStart === undefined) return { ok: false, error: 'badParam', param: 'end', detail: 'end must be YYYYMMDD' };
  const isMonth = (endRaw ?? '').replace(/-/g, '').length === 6;
  const to = isMonth ? Date.UTC(new Date(toStart).getUTCFullYear(), new Date(toStart).getUTCMonth() + 1, 1) : toStart + 86_400_000;
  return { from, to };
}

function chargesIn(car: SimCar, from: number, to: number): ChargeRecord[] {
  return car.charges.filter((c) => c.startAt >= from && c.startAt < to).sort((a, b) => a.startAt - b.startAt);
}

function charges(ctx: ReadContext): ReadResult {
  const r = chargeRange(ctx, false);
  if ('ok' in r) return r;
  const car = ctx.car;
  const unit = durationUnit(car.profile);
  const list = chargesIn(car, r.from, r.to).map((c) => {
    const minutes = Math.round((c.endAt - c.startAt) / 60_000);
    if (car.profile.dialect === 'ze40') {
      return {
        chargeStartDate: isoZ(c.startAt),
        chargeEndDate: isoZ(c.endAt),
        chargeDuration: minutes,
        chargeStartBatteryLevel: c.startSoc,
        chargeEndBatteryLevel: c.endSoc,
        chargeBatteryLevelRecovered: c.endSoc - c.startSoc,
        chargePower: 'slow',
        chargeStartInstantaneousPower: Math.round(c.powerKw * 1000),
        chargeEndStatus: c.status,
      };
    }
    return {
      chargeStartDate: isoZ(c.startAt),
      chargeEndDate: isoZ(c.endAt),
      chargeDuration: minutes * unit,
      chargeStartBatteryLevel: c.startSoc,
      chargeEndBatteryLevel: c.endSoc,
      chargeEnergyRecovered: c.energyKwh,
      chargeEndStatus: c.status,
    };
  });
  return { ok: true, body: kca(car, { charges: list }) };
}

function chargeHistory(ctx: ReadContext): ReadResult {
  const type = ctx.query.get('type') ?? 'day';
  if (type !== 'day' && type !== 'month') return { ok: false, error: 'badParam', param: 'type', detail: 'type must be day or month' };
  const r = chargeRange(ctx, true);
  if ('ok' in r) return r;
  const car = ctx.car;
  const unit = durationUnit(car.profile);
  const groups = new Map<string, { n: number; dur: number; err: number }>();
  for (const c of chargesIn(car, r.from, r.to)) {
    const k = type === 'day' ? ymd(c.startAt) : ymd(c.startAt).slice(0, 6);
    const g = groups.get(k) ?? { n: 0, dur: 0, err: 0 };
    g.n++;
    g.dur += Math.round((c.endAt - c.startAt) / 60_000) * unit;
    if (c.status === 'error') g.err++;
    groups.set(k, g);
  }
  const summaries = [...groups.entries()]
    .sort((a, b) => (a[0] < b[0] ? 1 : -1))
    .map(([k, g]) => ({ [type]: k, totalChargesNumber: g.n, totalChargesDuration: g.dur, totalChargesErrors: g.err }));
  // absent rather than empty when there is nothing (myRenaultLC changelog)
  return { ok: true, body: kca(car, summaries.length ? { chargeSummaries: summaries } : {}) };
}

function evSettings(car: SimCar): Attrs {
  const s = car.evSettings;
  return {
    lastSettingsUpdateTimestamp: isoMs(s.updatedAt),
    delegatedActivated: s.delegatedActivated,
    chargeModeRq: s.chargeModeRq,
    chargeTimeStart: s.chargeTimeStart,
    chargeDuration: s.chargeDuration,
    preconditioningTemperature: s.preconditioningTemperature,
    preconditioningHeatedStrgWheel: s.heatedStrgWheel,
    preconditioningHeatedRightSeat: s.heatedRightSeat,
    preconditioningHeatedLeftSeat: s.heatedLeftSeat,
    programs: s.programs.map((p) => ({
      programActivationStatus: p.programActivationStatus,
      programType: p.programType,
      programDepartureTime: p.programDepartureTime,
      programActivationMonday: p.days.monday,
      programActivationTuesday: p.days.tuesday,
      programActivationWednesday: p.days.wednesday,
      programActivationThursday: p.days.thursday,
      programActivationFriday: p.days.friday,
      programActivationSaturday: p.days.saturday,
      programActivationSunday: p.days.sunday,
    })),
  };
}

function alerts(ctx: ReadContext): unknown[] {
  const car = ctx.car;
  const created = ctx.now - 6 * 86_400_000;
  return [
    {
      id: `alert-${car.spec.vin.slice(-6)}-1`,
      alertType: 'proactive',
      alertCode: 'tyrepressurelow',
      trueValues: '1',
      priority: 1,
      criticity: 2,
      criticityName: 'Minor alert',
      vin: car.spec.vin,
      registrationNumber: car.spec.registrationNumber,
      countryCode: 'FR',
      brandComCode: 'REN',
      modelCode: car.profile.modelCode,
      localeDefault: 'fr-FR',
      isConnected: 1,
      mileage: Math.round(car.position.odometerKm),
      mileageDate: isoMs(created),
      status: 0,
      creationDateTime: isoMs(created),
      lastUpdateDateTime: isoMs(created + 3_600_000),
      inVehicleDateTime: isoMs(created - 60_000),
      function: 'the tyres',
      shortDescription: 'Check tyre pressure',
      longDescription: 'The rear left tyre pressure is below the recommended value.',
      alertCodeTitle: 'Low tyre pressure',
      alertCodeSubTitle: 'Details of the event',
      alertCodeDescription: 'Inflate the tyres to the recommended pressure',
      iconUrl: `${ctx.baseUrl}/renault/assets/alert-tyre.svg`,
    },
  ];
}

export function readBody(key: ReadKey, ctx: ReadContext): ReadResult {
  const car = ctx.car;
  switch (key) {
    case 'battery-status':
      return { ok: true, body: kca(car, battery(car)) };
    case 'cockpit':
      return { ok: true, body: kca(car, cockpit(car)) };
    case 'location':
      return { ok: true, body: kca(car, location(car)) };
    case 'hvac-status':
      return { ok: true, body: kca(car, hvacStatus(car)) };
    case 'hvac-settings':
      return { ok: true, body: kca(car, hvacSettings(car)) };
    case 'charge-mode': {
      const legacy = car.profile.dialect === 'ze40';
      const mode = car.chargeMode === 'always' ? (legacy ? 'always_charging' : 'always') : legacy ? 'schedule_mode' : 'scheduled';
      return { ok: true, body: kca(car, { chargeMode: mode }) };
    }
    case 'charging-settings':
      return { ok: true, body: kca(car, chargingSettings(car)) };
    case 'charge-schedule':
      return { ok: true, body: kca(car, chargeSchedule(car)) };
    case 'charges':
      return charges(ctx);
    case 'charge-history':
      return chargeHistory(ctx);
    case 'hvac-sessions':
    case 'hvac-history':
    case 'notification-settings':
      return { ok: true, body: kca(car, {}) };
    case 'lock-status':
      return {
        ok: true,
        body: kca(car, {
          lockStatus: car.locked ? 'locked' : 'unlocked',
          doorStatusRearLeft: 'closed',
          doorStatusRearRight: 'closed',
          doorStatusDriver: 'closed',
          doorStatusPassenger: 'closed',
          hatchStatus: 'closed',
          lastUpdateTime: isoZ(car.lockAt),
        }),
      };
    case 'res-state':
      return { ok: true, body: kca(car, { details: car.driving ? 'Engine running' : 'Stopped, ready for RES', code: car.driving ? '42' : '10' }, 'ResState') };
    case 'pressure': {
      const [fl, fr, rl, rr] = car.pressureMbar;
      return {
        ok: true,
        body: kca(car, { flPressure: fl, frPressure: fr, rlPressure: rl, rrPressure: rr, flStatus: 0, frStatus: 0, rlStatus: 0, rrStatus: 0 }),
      };
    }
    case 'alerts':
      return { ok: true, body: alerts(ctx) };
    case 'ev/soc-levels':
      return { ok: true, body: { lastEnergyUpdateTimestamp: isoZ(car.socLevelsAt), socMin: car.socMin, socTarget: car.socTarget } };
    case 'ev/settings':
      return { ok: true, body: evSettings(car) };
  }
}

// ------------------------------------------------------------------------------------------
// Person, account, vehicle documents
// ------------------------------------------------------------------------------------------

export interface PersonInfo {
  readonly personId: string;
  readonly uid: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly country: string;
  readonly locale: string;
  readonly phone: string;
  readonly createdAt: number;
}

export function personBody(p: PersonInfo, accounts: readonly DemoAccount[], now: number): unknown {
  const created = isoMs(p.createdAt);
  return {
    personId: p.personId,
    type: 'I',
    country: p.country,
    civility: '2',
    firstName: p.firstName,
    lastName: p.lastName,
    idp: {
      idpId: p.uid,
      idpType: 'GIGYA',
      idpStatus: 'ACTIVE',
      login: p.email,
      loginType: 'EMAIL',
      lastLoginDate: isoZ(now),
      termsConditionAcceptance: true,
      termsConditionLastAcceptanceDate: created,
    },
    emails: [
      {
        emailType: 'MAIN',
        emailValue: p.email,
        validityFlag: true,
        createdDate: created,
        lastModifiedDate: created,
        functionalCreationDate: created,
        functionalModificationDate: created,
      },
    ],
    phones: [
      { phoneType: 'MOBILE', phoneValue: p.phone, areaCode: '33', createdDate: created, lastModifiedDate: created },
    ],
    identities: [],
    myrRequest: false,
    accounts: accounts.map((a) => ({
      accountId: a.accountId,
      ...(a.externalId ? { externalId: a.externalId } : {}),
      accountType: a.accountType,
      accountStatus: 'ACTIVE',
      country: p.country,
      personId: p.personId,
      relationType: 'OWNER',
    })),
    partyId: `party-${p.personId.slice(0, 8)}`,
    mdmId: `mdm-${p.personId.slice(-8)}`,
    createdDate: created,
    lastModifiedDate: created,
    functionalCreationDate: created,
    functionalModificationDate: created,
    locale: p.locale,
  };
}

export function vehicleDetails(car: SimCar, baseUrl: string): Attrs {
  const p = car.profile;
  const s = car.spec;
  const picture = (size: string): string => `${baseUrl}/renault/assets/${s.vin}.svg?size=${size}`;
  return {
    vin: s.vin,
    registrationDate: s.deliveryDate,
    firstRegistrationDate: s.deliveryDate,
    engineType: p.engineType,
    engineRatio: '601',
    modelSCR: p.modelSCR,
    deliveryCountry: { code: 'FR', label: 'FRANCE' },
    family: { code: p.familyCode, label: p.familyLabel, group: '007' },
    tcu: { code: p.tcuCode, label: 'CONNECTION UNIT', group: 'E70' },
    navigationAssistanceLevel: {},
    battery: { code: p.batteryCode, label: `${p.batteryCode} BATTERY`, group: '968' },
    radioType: { code: p.radioCode, label: 'MULTIMEDIA', group: '425' },
    registrationCountry: { code: 'FR' },
    brand: { label: p.brand },
    model: { code: p.code, label: p.label, group: '971' },
    gearbox: { ...p.gearbox, group: '427' },
    version: { code: 'SIM 1' },
    energy: { code: p.energyCode, label: p.energyLabel, group: '019' },
    registrationNumber: s.registrationNumber,
    vcd: `${p.familyCode}/${p.energyCode}/${p.code}/${p.batteryCode}/${p.tcuCode}`,
    assets: [
      {
        assetType: 'PICTURE',
        viewpoint: 'mybrand_2',
        renditions: [
          { resolutionType: 'ONE_MYRENAULT_LARGE', url: picture('large') },
          { resolutionType: 'ONE_MYRENAULT_SMALL', url: picture('small') },
        ],
      },
    ],
    yearsOfMaintenance: 12,
    connectivityTechnology: p.connectivityTechnology,
    easyConnectStore: false,
    electrical: !!p.ev,
    rlinkStore: false,
    deliveryDate: s.deliveryDate,
    retrievedFromDhs: false,
    engineEnergyType: p.engineEnergyType,
    radioCode: '',
  };
}

export function vehicleLink(car: SimCar, baseUrl: string): Attrs {
  const s = car.spec;
  const created = `${s.deliveryDate}T10:00:00.000000Z`;
  return {
    brand: car.profile.brand,
    vin: s.vin,
    status: 'ACTIVE',
    linkType: 'OWNER',
    garageBrand: car.profile.brand,
    mileage: Math.round(car.position.odometerKm),
    startDate: s.deliveryDate,
    createdDate: created,
    lastModifiedDate: created,
    ownershipStartDate: s.deliveryDate,
    cancellationReason: {},
    connectedDriver: { role: 'MAIN_DRIVER', createdDate: created, lastModifiedDate: created },
    vehicleDetails: vehicleDetails(car, baseUrl),
  };
}

export function contracts(car: SimCar, now: number): unknown[] {
  const start = car.spec.deliveryDate;
  const year = Number(start.slice(0, 4));
  const plus = (y: number): string => `${year + y}${start.slice(4)}`;
  const active = (end: string): 'ACTIVE' | 'ENDED' => (end > isoZ(now).slice(0, 10) ? 'ACTIVE' : 'ENDED');
  const ev = !!car.profile.ev;
  return [
    {
      type: 'CONNECTED_SERVICES',
      contractId: `CS${car.spec.vin.slice(-7)}`,
      code: ev ? 'ZECONNECTP' : 'RCONNECT',
      group: 'Z',
      durationMonths: 120,
      startDate: start,
      endDate: plus(10),
      status: 'ACTIVE',
      statusLabel: 'Actif',
      description: ev ? 'Services connectés véhicule électrique' : 'Services connectés',
      conditions: [{ startDate: start, endDate: plus(10) }],
    },
    {
      type: 'WARRANTY',
      code: 'ManufacturerWarranty',
      durationMonths: 36,
      endDate: plus(3),
      status: active(plus(3)),
      statusLabel: active(plus(3)) === 'ACTIVE' ? 'Actif' : 'Expiré',
      description: 'Garantie constructeur',
      conditions: [{ endDate: plus(3), unlimitedMileage: false, maximumMileage: 100000, mileageUnit: 'km' }],
    },
  ];
}

export function carAdapter(car: SimCar): unknown {
  const p = car.profile;
  const s = car.spec;
  return {
    data: {
      type: 'Car',
      id: s.vin,
      attributes: {
        vin: s.vin,
        vehicleId: 100000 + (Number.parseInt(s.vin.slice(-4), 10) || 0),
        batteryCode: p.batteryCode,
        brand: p.brand,
        canGeneration: p.canGeneration,
        carGateway: p.carGateway,
        deliveryCountry: 'FR',
        deliveryDate: null,
        energy: p.ev ? 'electric' : 'gasoline',
        engineType: p.engineType,
        familyCode: p.familyCode,
        firstRegistrationDate: null,
        gearbox: 'AUTOMATIC',
        modelCode: p.modelCode,
        modelCodeDetail: p.code,
        modelName: p.label,
        nickname: null,
        radioType: p.radioCode,
        region: 'EU',
        registrationCountry: 'FR',
        registrationNumber: s.registrationNumber,
        tcuCode: p.tcuCode,
        versionCode: 'SIM 1',
        privacyMode: car.privacy ? 'on' : 'off',
        privacyModeUpdateDate: null,
        svtFlag: false,
        svtLastUpdateTime: null,
        svtBlockFlag: false,
        svtBlockLastUpdateTime: null,
      },
    },
  };
}

