/** Public option, fault and statistics types of the CarData simulator. */
import type { DriveScript } from '../script';

export interface CardataQuotaOptions {
  /** REST calls allowed per account (gcid) within windowMs (default 50). */
  limit: number;
  /** Rolling window (default 86 400 000 = 24 h). */
  windowMs: number;
}

export interface CardataClientOptions {
  /** Subscribed to "CarData API": tokens carry cardata:api:read (else REST answers CU-103). */
  api: boolean;
  /** Subscribed to "CarData Streaming": tokens carry cardata:streaming:read (else the broker refuses the subscription, 128). */
  streaming: boolean;
}

export interface CardataSimOptions {
  /** Client ids the portal knows, with their subscriptions (default: the demo client id, both). */
  clients: Record<string, CardataClientOptions>;
  /** Clock ms after which a device code is confirmed by itself (demo mode); false = only by the page or approve(). */
  autoApproveMs: number | false;
  /** Device code lifetime in seconds (default 300). */
  deviceCodeTtlS: number;
  /** Poll interval the device code answer names, in seconds (default 5). */
  pollIntervalS: number;
  /**
   * The device code answer carries verification_uri_complete (the link with the code in it).
   * BMW sent it in 2025 and no longer does in 2026 (cardata-real.md 1.1): default false.
   */
  verificationUriComplete: boolean;
  /** Access and id token lifetime in seconds (default 3600). */
  tokenLifetimeS: number;
  /** Refresh token lifetime in seconds (default 14 days). */
  refreshLifetimeS: number;
  /** REST quota per account; false disables it. */
  quota: CardataQuotaOptions | false;
  /** Port of the MQTT broker on 127.0.0.1 (0 = a free one); false = no broker. */
  brokerPort: number | false;
  /**
   * Clock ms a connection still counts after it ended: BMW accepts one stream connection per
   * account (GCID) and refuses a newcomer with CONNACK 5 while the old one lives and for a few
   * seconds after it left (cardata-real.md 2.2; default 10 000).
   */
  mqttLingerMs: number;
  /** Clock ms between two stream publications of what changed (default 10 000). */
  streamIntervalMs: number;
  /** Data points selected for streaming in the portal: 'all' or a list; an empty list makes the broker refuse subscriptions (128). */
  streamKeys: 'all' | string[];
  /** Charging sessions per page of chargingHistory (default 10). */
  historyPageSize: number;
  /** Seed for the world's noise (default 7). */
  seed: number;
  /** Per VIN, a script the car drives instead of its demo cycle. */
  scripts?: Record<string, DriveScript>;
  /**
   * VINs that report as Neue Klasse cars (iX3 NA5): no `batteryManagement.header`, so the state of charge comes only as
   * `stateOfCharge.displayed` (EVCC's provider.go and kvanbiesen/bmw-cardata-ha's README: those cars lack the header).
   */
  neueKlasse?: string[];
  /**
   * VINs the account holds as a secondary user: mapped SECONDARY, and their data refused with 403 CU-104 (only the
   * primary user gets a car's data: kvanbiesen#408, EVCC).
   */
  secondary?: string[];
}

export type CardataFaultKind =
  /** HTTP 500 with a JSON error. */
  | 'server-error'
  /** HTTP 502 with an HTML page. */
  | 'bad-gateway'
  /** The token refused on REST, once (403 CU-127 invalid_token, as BMW answers an expired token). */
  | 'unauthorized'
  /** HTTP 403 CU-429 (quota) on REST, whatever the counter says. */
  | 'quota'
  /**
   * REST: HTTP 429 with Retry-After: 900, as a gateway in front of the API may answer (BMW itself says 403 CU-429);
   * the client handles both.
   */
  | 'rate-limited'
  /** No answer at all. */
  | 'hang'
  /** Token endpoint: slow_down. */
  | 'slow-down'
  /** Token endpoint: HTTP 403 without a body (BMW's other way of saying "pending"). */
  | 'pending-403'
  /** Token endpoint: HTTP 500 keymanagement.service.invalid_access_token (spec B1). */
  | 'keymanagement'
  /**
   * Token endpoint, device grant: BMW's fault right after approval. The first look at an
   * approved code answers the 500 keymanagement fault and the code is spoilt: every later look
   * answers 403 access_denied (ioBroker.bmw#287, #297; kvanbiesen#72).
   */
  | 'approval-fault'
  /** Token endpoint, refresh grant: HTTP 503 with an HTML page (a gateway outage); the refresh token stays valid. */
  | 'refresh-unavailable'
  /** Token endpoint, refresh grant: HTTP 429 with Retry-After: 120; the refresh token stays valid. */
  | 'refresh-429'
  /** Token endpoint, refresh grant: the refresh is done (the old token rotated away) but the answer never comes. */
  | 'refresh-lost'
  /** Token endpoint, refresh grant: no answer, and nothing done (the request never got to BMW's token service). */
  | 'refresh-hang'
  /** Token endpoint, refresh grant: the connection is cut before BMW did anything (a reset). */
  | 'refresh-reset'
  /** REST: HTTP 403 CU-105 (the container is unknown to BMW) on the request it hits. */
  | 'container-gone'
  /**
   * REST: HTTP 403 CU-403 "Bad Request.  Forbidden", BMW's refusal of mappings or of a container it will not make for
   * the account (ioBroker.bmw#196; cardata-real §3.1).
   */
  | 'forbidden-resource'
  /** Device code endpoint: HTTP 400 (client id not subscribed). */
  | 'device-code-400'
  /** REST: HTTP 429 with Retry-After: 60 (a gateway's rate limit, not the CU-429 quota). */
  | 'retry-after'
  /** REST: HTTP 503 with an HTML page. */
  | 'unavailable'
  /** REST: HTTP 200 whose JSON body is cut in half. */
  | 'malformed-json'
  /** REST: the connection is reset before any answer. */
  | 'reset'
  /** Token endpoint, device grant: expired_token (the user did not confirm in time). */
  | 'device-code-expired';

/** Where a fault kind strikes: the device code endpoint, a grant of the token endpoint, or REST. */
export type CardataFaultPlace = 'device-code' | 'device-grant' | 'refresh' | 'rest';

/** The one place each fault kind belongs to: a fault never hits another endpoint than its own. */
export const CARDATA_FAULT_PLACE: Readonly<Record<CardataFaultKind, CardataFaultPlace>> = {
  'server-error': 'rest',
  'bad-gateway': 'rest',
  unauthorized: 'rest',
  quota: 'rest',
  'rate-limited': 'rest',
  hang: 'rest',
  'container-gone': 'rest',
  'forbidden-resource': 'rest',
  'slow-down': 'device-grant',
  'pending-403': 'device-grant',
  keymanagement: 'device-grant',
  'approval-fault': 'device-grant',
  'device-code-400': 'device-code',
  'refresh-unavailable': 'refresh',
  'refresh-429': 'refresh',
  'refresh-lost': 'refresh',
  'refresh-hang': 'refresh',
  'refresh-reset': 'refresh',
  'retry-after': 'rest',
  unavailable: 'rest',
  'malformed-json': 'rest',
  reset: 'rest',
  'device-code-expired': 'device-grant',
};

export interface CardataFault {
  /** Matched against the path below /cardata (no query). String = substring. Default: any. */
  path?: RegExp | string;
  kind: CardataFaultKind;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface CardataSimStats {
  deviceCodes: number;
  /** Token endpoint calls with the device code grant. */
  tokenPolls: number;
  /** Tokens issued by the device code grant. */
  signIns: number;
  refreshes: number;
  /** Every REST request, including refused ones. */
  rest: number;
  /** REST requests by endpoint name (mappings, containers, createContainer, telematicData, basicData, chargingHistory, image, ...). */
  byEndpoint: Record<string, number>;
  /** REST requests refused for their token (invalid or expired). */
  rejectedToken: number;
  /** Answers CU-429 (quota). */
  rejected429: number;
  /** MQTT connection attempts, accepted ones, refused ones (bad or expired id_token, account busy, broker unavailable). */
  mqttAttempts: number;
  mqttConnects: number;
  mqttRefused: number;
  /** Of those refused: CONNACK 5 because another connection holds the account (or left a moment ago). */
  mqttRefusedBusy: number;
  /** Subscriptions granted and refused (128). */
  mqttSubscribes: number;
  mqttSubscribeRefused: number;
  /** Connections the broker closed because their id_token ran out. */
  mqttExpiredDrops: number;
  /** Messages published to the stream. */
  published: number;
}

export function emptyStats(): CardataSimStats {
  return {
    deviceCodes: 0,
    tokenPolls: 0,
    signIns: 0,
    refreshes: 0,
    rest: 0,
    byEndpoint: {},
    rejectedToken: 0,
    rejected429: 0,
    mqttAttempts: 0,
    mqttConnects: 0,
    mqttRefused: 0,
    mqttRefusedBusy: 0,
    mqttSubscribes: 0,
    mqttSubscribeRefused: 0,
    mqttExpiredDrops: 0,
    published: 0,
  };
}
