/**
 * What the nodes run, loaded with the first node (or editor request) that needs it. Node-RED
 * loads the nine node files at start, before any flow and whether or not a flow uses them:
 * registering a type must cost next to nothing, so the node files name their code here and
 * load it on first use (core, features, zod and undici weigh ~270 ms and ~35 MiB; issue 17).
 * A brand's code loads later still, with the first account of that brand (src/brands/index.ts).
 */
// @ts-nocheck

/* eslint-disable @typescript-eslint/no-require-imports -- loading on first use is the point of this file */
import type * as Core from '../core';
import type * as Accounts from '../features/accounts';
import type * as CarEvents from '../features/car-events';
import type * as Charging from '../features/charging';
import type * as Commands from '../features/commands';
import type * as HomeAssistant from '../features/home-assistant';
import type * as VehicleMap from '../features/map';
import type * as Presence from '../features/presence';
import type * as PresenceTracker from '../features/presence-tracker';
import type * as RawRequest from '../features/raw-request';
import type * as Status from '../features/status';
import type * as TripRecorder from '../features/trip-recorder';
import type * as TripStore from '../features/trip-store';
import type * as Kit from './kit';

// require() keeps each module once (its cache): these only name them, typed.
export const load = {
  core: (): typeof Core => require('../core') as typeof Core,
  kit: (): typeof Kit => require('./kit') as typeof Kit,
  accounts: (): typeof Accounts => require('../features/accounts') as typeof Accounts,
  carEvents: (): typeof CarEvents => require('../features/car-events') as typeof CarEvents,
  charging: (): typeof Charging => require('../features/charging') as typeof Charging,
  commands: (): typeof Commands => require('../features/commands') as typeof Commands,
  homeAssistant: (): typeof HomeAssistant => require('../features/home-assistant') as typeof HomeAssistant,
  map: (): typeof VehicleMap => require('../features/map') as typeof VehicleMap,
  presence: (): typeof Presence => require('../features/presence') as typeof Presence,
  presenceTracker: (): typeof PresenceTracker => require('../features/presence-tracker') as typeof PresenceTracker,
  rawRequest: (): typeof RawRequest => require('../features/raw-request') as typeof RawRequest,
  status: (): typeof Status => require('../features/status') as typeof Status,
  tripRecorder: (): typeof TripRecorder => require('../features/trip-recorder') as typeof TripRecorder,
  tripStore: (): typeof TripStore => require('../features/trip-store') as typeof TripStore,
};
