/** "Today" for the valuation engine's unit specs. */
export const VALUATION_NOW = new Date('2025-06-01T00:00:00Z');

/** A smartphone model as the engine reads it: launch price and day (UTC midnight). */
export const smartphoneModel = (
  launchPriceMinor: number,
  launchDay: string,
  productModelId = 'pm-1',
) => ({
  launchPriceMinor,
  launchDate: new Date(`${launchDay}T00:00:00Z`),
  categoryCode: 'digital.phones.smartphones',
  productModelId,
});
