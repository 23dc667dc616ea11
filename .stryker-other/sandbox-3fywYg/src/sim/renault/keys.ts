/**
 * The public application keys of the MyRenault app as renault-api ships them
 * (src/renault_api/const.py): the simulator accepts them besides its own, so that a real client
 * runs against it with only the base URLs changed.
 */
// @ts-nocheck

export const PUBLIC_GIGYA_KEYS = {
  /** Every EU locale. */
  eu: '3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N',
  /** fr_LU. */
  lu: '3_zt44Wl_wT9mnqn-BHrR19PvXj3wYRPQKLcPbGWawlatFR837KdxSZZStbBTDaqnb',
  /** es_MX (us1). */
  mx: '4_yTFqPSsGxVyRXPZUM7t1Iw',
} as const;

export const PUBLIC_KAMEREON_KEY = 'YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J';
