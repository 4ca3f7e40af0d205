import type { Experiment } from "./types.ts";
/** Placeholder replaced in the next commit. */
export const fallaciesExperiment: Experiment = {
  name: "fallacies",
  title: "The eight fallacies",
  description: "",
  params: {},
  run: () => ({ summary: {}, data: {}, charts: [] }),
};
