/**
 * What every chart function returns: Vega-Lite specifications as plain JSON, and a titled chart.
 *
 * @module
 */

/** A Vega-Lite specification as plain JSON (no functions inside). */
export type VegaLiteSpec = Record<string, unknown>;

/** One chart with its title, as experiments return them and pages draw them. */
export interface Chart {
  title: string;
  spec: VegaLiteSpec;
}
