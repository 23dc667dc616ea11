/**
 * Demo data and model knowledge for the Renault simulator. All identities, VINs, plates and
 * places here are invented; the shapes follow specs/renault.md.
 */
// @ts-nocheck


// ------------------------------------------------------------------------------------------
// Endpoint keys and the per-model capability table (spec §6.3)
// ------------------------------------------------------------------------------------------

export const READ_KEYS = [
  'battery-status',
  'cockpit',
  'location',
  'hvac-status',
  'hvac-settings',
  'charge-mode',
  'charging-settings',
  'charge-schedule',
  'charges',
  'charge-history',
  'hvac-sessions',
  'hvac-history',
  'lock-status',
  'res-state',
  'pressure',
  'notification-settings',
  'alerts',
  'ev/soc-levels',
  'ev/settings',
] as const;

export const ACTION_KEYS = [
  'actions/hvac-start',
  'actions/charging-start',
  'actions/charge-mode',
  'actions/charge-schedule',
  'actions/hvac-schedule',
  'actions/horn-lights',
  'actions/refresh-location',
  'actions/refresh-battery-status',
  'kcm/charge/pause-resume',
  'kcm/charge/start',
  'kcm/charge/schedule',
  'kcm/ev/settings',
  'kcm/ev/soc-levels',
] as const;

export type ReadKey = (typeof READ_KEYS)[number];
export type ActionKey = (typeof ACTION_KEYS)[number];
export type EndpointKey = ReadKey | ActionKey;

/**
 * How the server answers an endpoint for a model:
 * ok; forbidden = 403 err.func.wired.forbidden; notFound = 404 err.func.wired.notFound
 * ("There is no data for this vin and uid"); notSupported = 501 err.tech.501.
 */
export type Support = 'ok' | 'forbidden' | 'notFound' | 'notSupported';

export interface ModelCapabilities {
  readonly support: Readonly<Partial<Record<EndpointKey, Support>>>;
  /**
   * Accepted (HTTP 200 + echo) but nothing happens in the car: `<action key>:<attributes.action>`.
   */
  readonly noops: readonly string[];
}

function caps(
  ok: readonly EndpointKey[],
  forbidden: readonly EndpointKey[],
  notFound: readonly EndpointKey[],
  noops: readonly string[] = [],
): ModelCapabilities {
  const support: Partial<Record<EndpointKey, Support>> = {};
  for (const k of ok) support[k] = 'ok';
  for (const k of forbidden) support[k] = 'forbidden';
  for (const k of notFound) support[k] = 'notFound';
  return { support, noops };
}

/**
 * Capability table as data. Derived from spec §6.3; where the spec has "·" (undocumented) the
 * choice is noted. Keys not listed: reads answer notFound, actions answer forbidden. Models not
 * listed at all (unknown codes): everything ok, like renault-api's defaults.
 */
export const MODEL_CAPABILITIES: Readonly<Record<string, ModelCapabilities>> = {
  // Zoe phase 2 (ZE50)
  X102VE: caps(
    [
      'battery-status', 'cockpit', 'location', 'hvac-status', 'hvac-settings', 'charging-settings', 'pressure',
      // "·" in the spec, answered here (fixtures exist for Zoe):
      'charges', 'charge-history', 'hvac-sessions', 'hvac-history', 'notification-settings',
      'actions/hvac-start', 'actions/charging-start', 'actions/charge-mode', 'actions/charge-schedule',
      'actions/hvac-schedule', 'actions/refresh-location', 'kcm/charge/pause-resume',
    ],
    ['lock-status', 'res-state', 'actions/horn-lights', 'kcm/charge/start', 'kcm/charge/schedule', 'kcm/ev/settings', 'kcm/ev/soc-levels'],
    ['charge-mode', 'charge-schedule', 'ev/soc-levels', 'ev/settings', 'alerts'],
    // hvac cancel: documented no-op on ZE50; stop and KCA charge stop: inferred (renault-api uses KCM pause).
    ['actions/hvac-start:cancel', 'actions/hvac-start:stop', 'actions/charging-start:stop'],
  ),
  // Renault 5 E-Tech
  R5E1VE: caps(
    [
      'battery-status', 'cockpit', 'location', 'hvac-status', 'hvac-settings', 'charges', 'alerts', 'ev/soc-levels', 'ev/settings',
      'actions/hvac-start', 'actions/horn-lights', 'actions/refresh-location', 'kcm/ev/settings', 'kcm/ev/soc-levels',
    ],
    [
      'lock-status', 'res-state', 'actions/charging-start', 'actions/charge-mode', 'actions/charge-schedule',
      'actions/hvac-schedule', 'kcm/charge/pause-resume', 'kcm/charge/start', 'kcm/charge/schedule',
    ],
    ['charge-mode', 'charging-settings', 'charge-schedule', 'charge-history', 'hvac-sessions', 'hvac-history', 'notification-settings', 'pressure'],
    // hvac stop must use action "stop"; "cancel" is accepted and does nothing (A290/R5 reports).
    ['actions/hvac-start:cancel'],
  ),
  // Dacia Spring
  XBG1VE: caps(
    [
      'battery-status', 'cockpit', 'location', 'hvac-status', 'charges',
      'actions/hvac-start', 'actions/refresh-location', 'kcm/charge/pause-resume',
    ],
    [
      'lock-status', 'res-state', 'actions/charging-start', 'actions/horn-lights', 'actions/charge-mode',
      'actions/charge-schedule', 'actions/hvac-schedule', 'kcm/charge/start', 'kcm/charge/schedule', 'kcm/ev/settings', 'kcm/ev/soc-levels',
    ],
    [
      'alerts', 'charge-history', 'charge-mode', 'charge-schedule', 'charging-settings', 'hvac-history', 'hvac-sessions',
      'hvac-settings', 'notification-settings', 'pressure', 'ev/soc-levels', 'ev/settings',
    ],
    ['actions/hvac-start:cancel'],
  ),
  // Austral (full hybrid, petrol)
  XHN1SU: caps(
    ['cockpit', 'location', 'actions/horn-lights', 'actions/refresh-location'],
    [
      'lock-status', 'res-state', 'actions/hvac-start', 'actions/charging-start', 'actions/charge-mode', 'actions/charge-schedule',
      'actions/hvac-schedule', 'kcm/charge/pause-resume', 'kcm/charge/start', 'kcm/charge/schedule', 'kcm/ev/settings', 'kcm/ev/soc-levels',
    ],
    [
      'battery-status', 'hvac-status', 'hvac-settings', 'charge-mode', 'charging-settings', 'charge-schedule', 'charges',
      'charge-history', 'hvac-sessions', 'hvac-history', 'pressure', 'notification-settings', 'alerts', 'ev/soc-levels', 'ev/settings',
    ],
  ),
  // Zoe phase 1 (ZE40 and older, GDC gateway: power in W, no GPS)
  X101VE: caps(
    [
      'battery-status', 'cockpit', 'hvac-status', 'charge-mode', 'charge-schedule', 'charges', 'charge-history',
      'hvac-sessions', 'hvac-history', 'notification-settings',
      'actions/hvac-start', 'actions/charging-start', 'actions/charge-mode', 'actions/charge-schedule',
      // UNCERTAIN per model (spec §6.1); answered here for the one demo car without GPS.
      'actions/refresh-battery-status',
    ],
    [
      'lock-status', 'res-state', 'actions/hvac-schedule', 'actions/horn-lights', 'actions/refresh-location',
      'kcm/charge/pause-resume', 'kcm/charge/start', 'kcm/charge/schedule', 'kcm/ev/settings', 'kcm/ev/soc-levels',
    ],
    ['location', 'charging-settings', 'hvac-settings', 'pressure', 'alerts', 'ev/soc-levels', 'ev/settings'],
    // "Accepted but no effect on ZE40" (spec §6.1).
    ['actions/charging-start:stop'],
  ),
};

export function supportFor(
  modelCode: string,
  key: EndpointKey,
  overrides?: Readonly<Record<string, Readonly<Partial<Record<EndpointKey, Support>>>>>,
): Support {
  const o = overrides?.[modelCode]?.[key];
  if (o) return o;
  const m = MODEL_CAPABILITIES[modelCode];
  if (!m) return 'ok';
  const s = m.support[key];
  if (s) return s;
  return (READ_KEYS as readonly string[]).includes(key) ? 'notFound' : 'forbidden';
}

export function isNoop(modelCode: string, key: EndpointKey, action: string | undefined): boolean {
  const m = MODEL_CAPABILITIES[modelCode];
  return !!m && m.noops.includes(`${key}:${action ?? ''}`);
}

// ------------------------------------------------------------------------------------------
// Model profiles: what a car of that model looks like on the wire
// ------------------------------------------------------------------------------------------

/** Response dialects seen in the fixtures (which optional fields appear, which units). */
export type Dialect = 'ze40' | 'ze50' | 'modern' | 'spring' | 'hybrid';

export interface ModelProfile {
  readonly code: string;
  readonly label: string;
  readonly brand: 'RENAULT' | 'DACIA' | 'ALPINE';
  readonly dialect: Dialect;
  readonly familyCode: string;
  readonly familyLabel: string;
  readonly modelCode: string; // car-adapter modelCode (short)
  readonly modelSCR: string;
  readonly energyCode: 'ELEC' | 'ELECX' | 'GASLN';
  readonly energyLabel: string;
  readonly engineEnergyType: 'ELEC' | 'HEV' | 'PHEV' | 'OTHER';
  readonly engineType: string;
  readonly gearbox: { code: string; label: string };
  readonly tcuCode: string;
  readonly batteryCode: string;
  readonly radioCode: string;
  readonly carGateway: 'GDC' | 'AVN';
  readonly canGeneration: 'C1A' | 'T4VS';
  readonly connectivityTechnology: 'RLINK1' | 'OPENRLINK' | 'NONE';
  /** `data.type: "Car"` present in KCA reads (older models) or absent (2025+ models). */
  readonly jsonApiType: boolean;
  readonly ev?: { batteryKwh: number; kwhPer100km: number };
  readonly fuel?: { tankL: number; litresPer100km: number };
}

export const MODEL_PROFILES: Readonly<Record<string, ModelProfile>> = {
  X102VE: {
    code: 'X102VE', label: 'ZOE', brand: 'RENAULT', dialect: 'ze50', familyCode: 'X10', familyLabel: 'X10 FAMILY',
    modelCode: 'B10', modelSCR: 'ZOE', energyCode: 'ELEC', energyLabel: 'ELECTRIC', engineEnergyType: 'ELEC', engineType: '5AQ',
    gearbox: { code: 'BVEL', label: 'ELECTRIC VARIATOR GEARBOX' }, tcuCode: 'AIVCT', batteryCode: 'BT4AR1', radioCode: 'NA418',
    carGateway: 'AVN', canGeneration: 'C1A', connectivityTechnology: 'RLINK1', jsonApiType: true,
    ev: { batteryKwh: 52, kwhPer100km: 17 },
  },
  R5E1VE: {
    code: 'R5E1VE', label: 'RENAULT 5', brand: 'RENAULT', dialect: 'modern', familyCode: 'X1316', familyLabel: 'X1316 FAMILY',
    modelCode: 'R5E', modelSCR: 'R5E', energyCode: 'ELECX', energyLabel: 'ELECTRICITY', engineEnergyType: 'ELEC', engineType: '6AK',
    gearbox: { code: '1EVGB', label: 'REDUCER FOR ELECTRIC MOTOR' }, tcuCode: 'AIVCT', batteryCode: 'BTGAE', radioCode: 'NA490',
    carGateway: 'AVN', canGeneration: 'C1A', connectivityTechnology: 'OPENRLINK', jsonApiType: false,
    ev: { batteryKwh: 52, kwhPer100km: 15 },
  },
  XBG1VE: {
    code: 'XBG1VE', label: 'SPRING', brand: 'DACIA', dialect: 'spring', familyCode: 'XBG', familyLabel: 'KWID EV',
    modelCode: 'BBG', modelSCR: '', energyCode: 'ELEC', energyLabel: 'ELECTRIC', engineEnergyType: 'ELEC', engineType: '4DB',
    gearbox: { code: 'BVEL', label: 'ELECTRIC VARIATOR GEARBOX' }, tcuCode: 'AIVCT', batteryCode: 'BTDAN', radioCode: 'RA43D',
    carGateway: 'AVN', canGeneration: 'T4VS', connectivityTechnology: 'NONE', jsonApiType: true,
    ev: { batteryKwh: 26.8, kwhPer100km: 13 },
  },
  XHN1SU: {
    code: 'XHN1SU', label: 'AUSTRAL', brand: 'RENAULT', dialect: 'hybrid', familyCode: 'XHN', familyLabel: 'XHN FAMILY',
    modelCode: 'HN1', modelSCR: 'HN1', energyCode: 'GASLN', energyLabel: 'PETROL', engineEnergyType: 'HEV', engineType: 'H5F',
    gearbox: { code: 'BVH4', label: 'HYBRID 4 SPEED GEARBOX' }, tcuCode: 'AIVCT', batteryCode: 'BTAAG', radioCode: 'NA460',
    carGateway: 'AVN', canGeneration: 'C1A', connectivityTechnology: 'OPENRLINK', jsonApiType: false,
    fuel: { tankL: 55, litresPer100km: 4.8 },
  },
  X101VE: {
    code: 'X101VE', label: 'ZOE', brand: 'RENAULT', dialect: 'ze40', familyCode: 'X10', familyLabel: 'X10 FAMILY',
    modelCode: 'B10', modelSCR: 'ZOE', energyCode: 'ELEC', energyLabel: 'ELECTRIC', engineEnergyType: 'ELEC', engineType: '5AQ',
    gearbox: { code: 'BVEL', label: 'ELECTRIC VARIATOR GEARBOX' }, tcuCode: 'TCU0G2', batteryCode: 'BT4AR1', radioCode: 'RAD37A',
    carGateway: 'GDC', canGeneration: 'C1A', connectivityTechnology: 'RLINK1', jsonApiType: true,
    ev: { batteryKwh: 41, kwhPer100km: 16 },
  },
};

// ------------------------------------------------------------------------------------------
// Places and routes (around Paris)
// ------------------------------------------------------------------------------------------

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export const PLACES = {
  home: { lat: 48.8566, lon: 2.3522 },
  office: { lat: 48.8921, lon: 2.2376 }, // La Défense
  market: { lat: 48.8049, lon: 2.1204 }, // Versailles
  montreuil: { lat: 48.8612, lon: 2.4433 },
  boulogne: { lat: 48.8397, lon: 2.2399 },
  vincennes: { lat: 48.8474, lon: 2.4391 },
} as const satisfies Record<string, LatLon>;

/** Polylines driven by the R5's autopilot (plausible roads, not exact). */
export const ROUTES: Readonly<Record<string, readonly LatLon[]>> = {
  homeToOffice: [
    PLACES.home,
    { lat: 48.8606, lon: 2.3376 },
    { lat: 48.8656, lon: 2.3212 },
    { lat: 48.8738, lon: 2.295 },
    { lat: 48.8802, lon: 2.2831 },
    { lat: 48.8849, lon: 2.2693 },
    { lat: 48.8897, lon: 2.2512 },
    PLACES.office,
  ],
  officeToMarket: [
    PLACES.office,
    { lat: 48.8836, lon: 2.2288 },
    { lat: 48.8711, lon: 2.2106 },
    { lat: 48.8486, lon: 2.1905 },
    { lat: 48.8289, lon: 2.1552 },
    { lat: 48.8135, lon: 2.1341 },
    PLACES.market,
  ],
  marketToHome: [
    PLACES.market,
    { lat: 48.8146, lon: 2.1702 },
    { lat: 48.8237, lon: 2.2115 },
    { lat: 48.8353, lon: 2.241 },
    { lat: 48.847, lon: 2.278 },
    { lat: 48.8536, lon: 2.3077 },
    { lat: 48.8556, lon: 2.3312 },
    PLACES.home,
  ],
};

/** One leg of an autopilot loop. Durations are world minutes. */
export type Leg =
  | { readonly kind: 'park'; readonly minutes: number; readonly place: LatLon; readonly placeName: string; readonly plugIfBelow?: number }
  | { readonly kind: 'drive'; readonly minutes: number; readonly route: string };

// ------------------------------------------------------------------------------------------
// Demo people, accounts and cars
// ------------------------------------------------------------------------------------------

export const DEMO_RENAULT_USER = 'demo@example.com';
export const DEMO_RENAULT_PASSWORD = 'demo';

export const DEMO_PERSON = {
  personId: '6d0c1a7e-3b52-4e8f-9a14-2f7c5e9b0d31',
  uid: 'a3f09c6e2b7d4c158e61f0b2d94a7c35',
  firstName: 'Camille',
  lastName: 'Demo',
  country: 'FR',
  locale: 'fr-FR',
  gigyaDataCenter: 'eu1.gigya.com',
  phone: '0600000000',
} as const;

export interface DemoAccount {
  readonly accountId: string;
  readonly accountType: 'MYRENAULT' | 'MYDACIA' | 'SFDC';
  readonly externalId?: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { accountId: '1f8e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', accountType: 'MYRENAULT' },
  { accountId: '2a9f3e4d-5c6b-4a79-8887-6b5c4d3e2f10', accountType: 'MYDACIA' },
  { accountId: '3b0a4f5e-6d7c-4b8a-9998-7c6d5e4f3a21', accountType: 'SFDC', externalId: 'CRM-0042' },
];

export interface CarSpec {
  readonly vin: string;
  readonly modelCode: string;
  readonly accountId: string;
  readonly registrationNumber: string;
  readonly nickname: string;
  readonly color: string; // for the demo picture
  readonly deliveryDate: string; // YYYY-MM-DD
  readonly initial: {
    readonly soc?: number;
    readonly fuelL?: number;
    readonly odometerKm: number;
    readonly place: LatLon;
    readonly plugged?: boolean;
    readonly chargeMode?: 'always' | 'scheduled';
    readonly socTarget?: number;
    readonly socMin?: number;
    readonly chargePowerKw?: number;
    /** Minutes (clock) before start when the car last reported / was parked. */
    readonly lastReportMinAgo: number;
    readonly parkedMinAgo: number;
    readonly outsideTempC: number;
  };
  /** Autopilot loop; the car starts in leg `startLeg` with `startLegRemainingMin` world minutes left. */
  readonly scenario?: { readonly legs: readonly Leg[]; readonly startLeg: number; readonly startLegRemainingMin: number };
}

const [MYR, MYD] = [DEMO_ACCOUNTS[0]?.accountId ?? '', DEMO_ACCOUNTS[1]?.accountId ?? ''];

export const DEMO_CARS: readonly CarSpec[] = [
  {
    vin: 'VF1AG000862Z50001',
    modelCode: 'X102VE',
    accountId: MYR,
    registrationNumber: 'FZ-501-EV',
    nickname: 'Zoe (charging at home)',
    color: '#2f6db5',
    deliveryDate: '2021-03-18',
    initial: {
      soc: 47, odometerKm: 38412.6, place: PLACES.home, plugged: true, chargeMode: 'always', socTarget: 100,
      chargePowerKw: 7.2, lastReportMinAgo: 3, parkedMinAgo: 95, outsideTempC: 9,
    },
  },
  {
    vin: 'VF1R5E00125R50002',
    modelCode: 'R5E1VE',
    accountId: MYR,
    registrationNumber: 'HR-552-EV',
    nickname: 'R5 (commuter loop)',
    color: '#f2c230',
    deliveryDate: '2025-04-02',
    initial: {
      soc: 58, odometerKm: 6120, place: PLACES.home, plugged: false, chargeMode: 'always', socTarget: 80, socMin: 20,
      chargePowerKw: 7.4, lastReportMinAgo: 14, parkedMinAgo: 140, outsideTempC: 9,
    },
    scenario: {
      legs: [
        { kind: 'park', minutes: 150, place: PLACES.home, placeName: 'home', plugIfBelow: 60 },
        { kind: 'drive', minutes: 25, route: 'homeToOffice' },
        { kind: 'park', minutes: 120, place: PLACES.office, placeName: 'office' },
        { kind: 'drive', minutes: 30, route: 'officeToMarket' },
        { kind: 'park', minutes: 45, place: PLACES.market, placeName: 'market' },
        { kind: 'drive', minutes: 40, route: 'marketToHome' },
      ],
      startLeg: 0,
      startLegRemainingMin: 12,
    },
  },
  {
    vin: 'VF1RHN00X27AU0003',
    modelCode: 'XHN1SU',
    accountId: MYR,
    registrationNumber: 'GA-873-HB',
    nickname: 'Austral (hybrid)',
    color: '#6b6f76',
    deliveryDate: '2024-06-11',
    initial: { fuelL: 31, odometerKm: 21877, place: PLACES.boulogne, lastReportMinAgo: 185, parkedMinAgo: 185, outsideTempC: 8 },
  },
  {
    vin: 'VF1AG000664Z40004',
    modelCode: 'X101VE',
    accountId: MYR,
    registrationNumber: 'EL-404-ZE',
    nickname: 'old Zoe (waits for off-peak)',
    color: '#ffffff',
    deliveryDate: '2018-05-30',
    initial: {
      soc: 36, odometerKm: 91233.4, place: PLACES.vincennes, plugged: true, chargeMode: 'scheduled', socTarget: 100,
      chargePowerKw: 3.6, lastReportMinAgo: 22, parkedMinAgo: 300, outsideTempC: 8,
    },
  },
  {
    vin: 'UU1DBG00X68SP0005',
    modelCode: 'XBG1VE',
    accountId: MYD,
    registrationNumber: 'GD-205-SP',
    nickname: 'Spring (parked)',
    color: '#8fae3c',
    deliveryDate: '2022-09-14',
    initial: {
      soc: 62, odometerKm: 18044.2, place: PLACES.montreuil, plugged: false, chargeMode: 'always', socTarget: 100,
      chargePowerKw: 6.6, lastReportMinAgo: 41, parkedMinAgo: 600, outsideTempC: 9,
    },
  },
];

/** Off-peak slot used by the ZE40's calendar (charge-schedule) and as a default elsewhere. */
export const DEFAULT_OFFPEAK = { startMin: 22 * 60 + 30, durationMin: 480 } as const;
