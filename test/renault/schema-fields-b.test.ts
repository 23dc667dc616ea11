/**
 * Every field the Renault body schemas of src/brands/renault/schemas.ts declare (discovery, status reads, settings,
 * history, notifications), read in its convertible form: a text field that comes as a number becomes its text, a number
 * field that comes as text becomes its number, a flag that comes as "true" becomes true. A field the schema did not
 * name would pass through as it came, so each row asserts the whole parsed body, both by zod and by the schema's
 * hand-written reader where it has one. The shapes are those of test/fixtures/renault; the values are the test's own.
 */
import { describe, it } from 'mocha';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import {
  AlertsSchema,
  BatteryStatusSchema,
  CarAdapterSchema,
  ChargeHistorySchema,
  ChargeScheduleSchema,
  ChargesSchema,
  ChargingSettingsSchema,
  CockpitSchema,
  ContractsSchema,
  EvSettingsSchema,
  FAIL,
  HvacHistorySchema,
  HvacSessionsSchema,
  HvacSettingsSchema,
  HvacStatusSchema,
  LocationSchema,
  LockStatusSchema,
  NotificationsSchema,
  PersonSchema,
  PressureSchema,
  SocLevelsSchema,
  VehicleDetailsSchema,
  VehiclesSchema,
  readerOf,
} from '../../src/brands/renault/schemas';

function viaZod(schema: z.ZodTypeAny, body: unknown): unknown {
  const p = schema.safeParse(body);
  return p.success ? p.data : FAIL;
}

/** A JSON:API read: `{data: {type, id, attributes}}`. */
const car = (attributes: Record<string, unknown>): unknown => ({ data: { type: 'Car', id: 'VF1TESTZE50000002', attributes } });

interface Row {
  name: string;
  schema: z.ZodTypeAny;
  body: unknown;
  expected: unknown;
  /** Whether the schema has a hand-written reader (then it must read the body as zod does). */
  reader: boolean;
}

/** The same label object, as it comes (numbers) and as it is read (texts). */
const labelIn = { code: 10, label: 20, group: 30 };
const labelOut = { code: '10', label: '20', group: '30' };
const detailsIn = { vin: 1234, registrationNumber: 5678, engineEnergyType: 1, connectivityTechnology: 2, brand: labelIn, model: labelIn, energy: labelIn };
const detailsOut = { vin: '1234', registrationNumber: '5678', engineEnergyType: '1', connectivityTechnology: '2', brand: labelOut, model: labelOut, energy: labelOut };

const alertIn = {
  id: 101,
  alertType: 2,
  alertCode: 3,
  criticityName: 4,
  closureReason: 5,
  mileageUnit: 6,
  nextDate: 20260101,
  function: 7,
  shortDescription: 8,
  longDescription: 9,
  alertCodeTitle: 10,
  alertCodeDescription: 11,
  creationDateTime: 12,
  lastUpdateDateTime: 13,
  criticity: '3',
  priority: '1',
  status: '0',
  mileage: '41288',
  nextMileage: '60000',
};
const alertOut = {
  id: '101',
  alertType: '2',
  alertCode: '3',
  criticityName: '4',
  closureReason: '5',
  mileageUnit: '6',
  nextDate: '20260101',
  function: '7',
  shortDescription: '8',
  longDescription: '9',
  alertCodeTitle: '10',
  alertCodeDescription: '11',
  creationDateTime: '12',
  lastUpdateDateTime: '13',
  criticity: 3,
  priority: 1,
  status: 0,
  mileage: 41288,
  nextMileage: 60000,
};

const notificationIn = { notificationId: 31, notifDate: 32, vin: 33, actionType: 34, commandType: 35, commandResponse: { status: 36 } };
const notificationOut = { notificationId: '31', notifDate: '32', vin: '33', actionType: '34', commandType: '35', commandResponse: { status: '36' } };

const contractIn = {
  type: 1,
  contractId: 2,
  code: 40,
  group: 3,
  startDate: 20231001,
  endDate: 20270930,
  status: 4,
  statusLabel: 5,
  description: 6,
  durationMonths: '48',
};
const contractOut = {
  type: '1',
  contractId: '2',
  code: '40',
  group: '3',
  startDate: '20231001',
  endDate: '20270930',
  status: '4',
  statusLabel: '5',
  description: '6',
  durationMonths: 48,
};

const ROWS: Row[] = [
  {
    name: 'person: each account’s type, status and country',
    schema: PersonSchema,
    body: { personId: 77, accounts: [{ accountId: 'acc-1', accountType: 1, accountStatus: 2, country: 33 }] },
    expected: { personId: '77', accounts: [{ accountId: 'acc-1', accountType: '1', accountStatus: '2', country: '33' }] },
    reader: false,
  },
  {
    name: 'vehicle details: its texts and the code, label and group of its brand, model and energy',
    schema: VehicleDetailsSchema,
    body: detailsIn,
    expected: detailsOut,
    reader: false,
  },
  {
    name: 'vehicles: the account, its country, each link’s brand, status and VIN, and the link’s details',
    schema: VehiclesSchema,
    body: { accountId: 5, country: 33, vehicleLinks: [{ brand: 1, status: 2, vin: 99, vehicleDetails: detailsIn }] },
    expected: { accountId: '5', country: '33', vehicleLinks: [{ brand: '1', status: '2', vin: '99', vehicleDetails: detailsOut }] },
    reader: false,
  },
  {
    name: 'car adapter: every text of the car, and its svtFlag',
    schema: CarAdapterSchema,
    body: car({
      vin: 1,
      brand: 2,
      canGeneration: 3,
      carGateway: 4,
      energy: 5,
      modelCode: 10,
      modelCodeDetail: 102,
      modelName: 6,
      tcuCode: 7,
      privacyMode: 0,
      privacyModeUpdateDate: 20250914,
      svtFlag: 'true',
    }),
    expected: car({
      vin: '1',
      brand: '2',
      canGeneration: '3',
      carGateway: '4',
      energy: '5',
      modelCode: '10',
      modelCodeDetail: '102',
      modelName: '6',
      tcuCode: '7',
      privacyMode: '0',
      privacyModeUpdateDate: '20250914',
      svtFlag: true,
    }),
    reader: true,
  },
  {
    name: 'contracts (a bare list): every text of a contract, and its duration in months',
    schema: ContractsSchema,
    body: [contractIn],
    expected: [contractOut],
    reader: false,
  },
  {
    name: 'battery status: its timestamp and every number',
    schema: BatteryStatusSchema,
    body: car({
      timestamp: 1700000000,
      batteryLevel: '52',
      batteryAutonomy: '210',
      batteryTemperature: '18',
      batteryCapacity: '52',
      batteryAvailableEnergy: '27',
      plugStatus: '1',
      chargingStatus: '0.2',
      chargingRemainingTime: '95',
      chargingInstantaneousPower: '7.4',
    }),
    expected: car({
      timestamp: '1700000000',
      batteryLevel: 52,
      batteryAutonomy: 210,
      batteryTemperature: 18,
      batteryCapacity: 52,
      batteryAvailableEnergy: 27,
      plugStatus: 1,
      chargingStatus: 0.2,
      chargingRemainingTime: 95,
      chargingInstantaneousPower: 7.4,
    }),
    reader: true,
  },
  {
    name: 'cockpit: its timestamp, mileage and fuel',
    schema: CockpitSchema,
    body: car({ timestamp: 1700000000, totalMileage: '41288.5', fuelAutonomy: '300', fuelQuantity: '25' }),
    expected: car({ timestamp: '1700000000', totalMileage: 41288.5, fuelAutonomy: 300, fuelQuantity: 25 }),
    reader: true,
  },
  {
    name: 'location: its update time and coordinates',
    schema: LocationSchema,
    body: car({ lastUpdateTime: 1700000000, gpsLatitude: '48.85', gpsLongitude: '2.35', gpsDirection: '90' }),
    expected: car({ lastUpdateTime: '1700000000', gpsLatitude: 48.85, gpsLongitude: 2.35, gpsDirection: 90 }),
    reader: true,
  },
  {
    name: 'hvac status: its texts and temperatures',
    schema: HvacStatusSchema,
    body: car({ hvacStatus: 1, nextHvacStartDate: 2, lastUpdateTime: 1700000000, externalTemperature: '8', internalTemperature: '12.5', socThreshold: '20' }),
    expected: car({ hvacStatus: '1', nextHvacStartDate: '2', lastUpdateTime: '1700000000', externalTemperature: 8, internalTemperature: 12.5, socThreshold: 20 }),
    reader: true,
  },
  {
    name: 'lock status: the lock, every opening and the update time',
    schema: LockStatusSchema,
    body: car({
      lockStatus: 1,
      doorStatusRearLeft: 2,
      doorStatusRearRight: 3,
      doorStatusDriver: 4,
      doorStatusPassenger: 5,
      hatchStatus: 6,
      lastUpdateTime: 1700000000,
    }),
    expected: car({
      lockStatus: '1',
      doorStatusRearLeft: '2',
      doorStatusRearRight: '3',
      doorStatusDriver: '4',
      doorStatusPassenger: '5',
      hatchStatus: '6',
      lastUpdateTime: '1700000000',
    }),
    reader: true,
  },
  {
    name: 'pressure: the update time and each tyre’s pressure and status',
    schema: PressureSchema,
    body: car({
      lastUpdateTime: 1700000000,
      flPressure: '2500',
      frPressure: '2510',
      rlPressure: '2400',
      rrPressure: '2410',
      flStatus: '0',
      frStatus: '1',
      rlStatus: '2',
      rrStatus: '3',
    }),
    expected: car({ lastUpdateTime: '1700000000', flPressure: 2500, frPressure: 2510, rlPressure: 2400, rrPressure: 2410, flStatus: 0, frStatus: 1, rlStatus: 2, rrStatus: 3 }),
    reader: true,
  },
  {
    name: 'alerts (a bare list): every text and number of an alert',
    schema: AlertsSchema,
    body: [alertIn],
    expected: [alertOut],
    reader: false,
  },
  {
    name: 'alerts wrapped in {alerts: [...]}: the same list',
    schema: AlertsSchema,
    body: { alerts: [alertIn] },
    expected: [alertOut],
    reader: false,
  },
  {
    name: 'charging settings: its mode, dates and delay, and each schedule’s id, activation and days',
    schema: ChargingSettingsSchema,
    body: car({
      mode: 1,
      dateTime: 20260101,
      startDateTime: 20260102,
      delay: '15',
      schedules: [{ id: '1', activated: 'true', monday: { startTime: 2230, duration: '450' }, sunday: null }],
    }),
    expected: car({
      mode: '1',
      dateTime: '20260101',
      startDateTime: '20260102',
      delay: 15,
      schedules: [{ id: 1, activated: true, monday: { startTime: '2230', duration: 450 }, sunday: null }],
    }),
    reader: false,
  },
  {
    name: 'charge schedule: each calendar window’s start, duration and activation state',
    schema: ChargeScheduleSchema,
    // As the real answer: every day is there (a calendar without one is no calendar).
    body: car({
      calendar: {
        monday: [{ startTime: 2230, duration: '450', activationState: 'true' }],
        tuesday: [{ startTime: 100, duration: '60', activationState: 'false' }],
        wednesday: [],
        thursday: [],
        friday: [],
        saturday: [],
        sunday: [],
      },
    }),
    expected: car({
      calendar: {
        monday: [{ startTime: '2230', duration: 450, activationState: true }],
        tuesday: [{ startTime: '100', duration: 60, activationState: false }],
        wednesday: [],
        thursday: [],
        friday: [],
        saturday: [],
        sunday: [],
      },
    }),
    reader: false,
  },
  {
    name: 'hvac settings: its mode and date, and each schedule’s ready-at time',
    schema: HvacSettingsSchema,
    body: car({ mode: 1, dateTime: 20260101, schedules: [{ id: '2', activated: 'false', friday: { readyAtTime: 730 } }] }),
    expected: car({ mode: '1', dateTime: '20260101', schedules: [{ id: 2, activated: false, friday: { readyAtTime: '730' } }] }),
    reader: false,
  },
  {
    name: 'soc levels (KCM, plain JSON): the update time, minimum and target',
    schema: SocLevelsSchema,
    body: { lastEnergyUpdateTimestamp: 1700000000, socMin: '25', socTarget: '85' },
    expected: { lastEnergyUpdateTimestamp: '1700000000', socMin: 25, socTarget: 85 },
    reader: true,
  },
  {
    name: 'ev settings (KCM): its texts, numbers and flag, and each program’s texts and day flags',
    schema: EvSettingsSchema,
    body: {
      lastSettingsUpdateTimestamp: 1700000000,
      chargeModeRq: 1,
      chargeTimeStart: 2230,
      chargeDuration: '9000',
      preconditioningTemperature: '21.5',
      delegatedActivated: 'true',
      programs: [
        {
          programType: 1,
          programDepartureTime: 630,
          programActivationStatus: 'true',
          programActivationMonday: 'true',
          programActivationTuesday: 'false',
          programActivationWednesday: 'true',
          programActivationThursday: 'false',
          programActivationFriday: 'true',
          programActivationSaturday: 'false',
          programActivationSunday: 'true',
        },
      ],
    },
    expected: {
      lastSettingsUpdateTimestamp: '1700000000',
      chargeModeRq: '1',
      chargeTimeStart: '2230',
      chargeDuration: 9000,
      preconditioningTemperature: 21.5,
      delegatedActivated: true,
      programs: [
        {
          programType: '1',
          programDepartureTime: '630',
          programActivationStatus: true,
          programActivationMonday: true,
          programActivationTuesday: false,
          programActivationWednesday: true,
          programActivationThursday: false,
          programActivationFriday: true,
          programActivationSaturday: false,
          programActivationSunday: true,
        },
      ],
    },
    reader: false,
  },
  {
    name: 'charges: every text and number of a charge',
    schema: ChargesSchema,
    body: car({
      charges: [
        {
          chargeStartDate: 20260109,
          chargeEndDate: 20260110,
          chargePower: 1,
          chargeEndStatus: 2,
          chargeDuration: '408',
          chargeStartBatteryLevel: '22',
          chargeEndBatteryLevel: '81',
          chargeBatteryLevelRecovered: '59',
          chargeEnergyRecovered: '30.5',
          chargeStartInstantaneousPower: '2900',
        },
      ],
    }),
    expected: car({
      charges: [
        {
          chargeStartDate: '20260109',
          chargeEndDate: '20260110',
          chargePower: '1',
          chargeEndStatus: '2',
          chargeDuration: 408,
          chargeStartBatteryLevel: 22,
          chargeEndBatteryLevel: 81,
          chargeBatteryLevelRecovered: 59,
          chargeEnergyRecovered: 30.5,
          chargeStartInstantaneousPower: 2900,
        },
      ],
    }),
    reader: true,
  },
  {
    name: 'charge history: each summary’s day, month and totals',
    schema: ChargeHistorySchema,
    body: car({ chargeSummaries: [{ day: 20260109, month: 202601, totalChargesNumber: '3', totalChargesDuration: '600', totalChargesErrors: '1' }] }),
    expected: car({ chargeSummaries: [{ day: '20260109', month: '202601', totalChargesNumber: 3, totalChargesDuration: 600, totalChargesErrors: 1 }] }),
    reader: false,
  },
  {
    name: 'hvac sessions: a list that is no array is an empty list',
    schema: HvacSessionsSchema,
    body: car({ hvacSessions: 'none' }),
    expected: car({ hvacSessions: [] }),
    reader: false,
  },
  {
    name: 'hvac sessions: an item that is no object is dropped, an object is kept as it came',
    schema: HvacSessionsSchema,
    body: car({ hvacSessions: [{ hvacSessionStartDate: '2026-01-09T07:00:00Z' }, 5, null] }),
    expected: car({ hvacSessions: [{ hvacSessionStartDate: '2026-01-09T07:00:00Z' }] }),
    reader: false,
  },
  {
    name: 'hvac history: a list that is no array is an empty list',
    schema: HvacHistorySchema,
    body: car({ hvacSessionsSummaries: { day: '20260109' } }),
    expected: car({ hvacSessionsSummaries: [] }),
    reader: false,
  },
  {
    name: 'hvac history: an item that is no object is dropped, an object is kept as it came',
    schema: HvacHistorySchema,
    body: car({ hvacSessionsSummaries: ['x', { month: '202601', totalHvacSessionsNumber: 2 }] }),
    expected: car({ hvacSessionsSummaries: [{ month: '202601', totalHvacSessionsNumber: 2 }] }),
    reader: false,
  },
  {
    name: 'notifications (a bare list): every text of a notification and its command response’s status',
    schema: NotificationsSchema,
    body: [notificationIn],
    expected: [notificationOut],
    reader: false,
  },
  {
    name: 'notifications wrapped in {data: [...]}: the same list',
    schema: NotificationsSchema,
    body: { data: [notificationIn] },
    expected: [notificationOut],
    reader: false,
  },
];

describe('Renault body schemas: each declared field read in its convertible form (schemas.ts, discovery to notifications)', () => {
  for (const row of ROWS) {
    it(`${row.name}: zod reads it as written out`, () => {
      assert.deepStrictEqual(viaZod(row.schema, row.body), row.expected);
    });
    if (row.reader) {
      it(`${row.name}: the hand-written reader reads it the same`, () => {
        const read = readerOf(row.schema) ?? assert.fail('this schema has a hand-written reader');
        assert.deepStrictEqual(read(row.body), row.expected);
      });
    } else {
      it(`${row.name}: the schema has no hand-written reader (zod is its only way)`, () => {
        assert.equal(readerOf(row.schema), undefined);
      });
    }
  }
});
