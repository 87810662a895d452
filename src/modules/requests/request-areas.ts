/** A request's thematic areas as shown everywhere: the state's own choice, else what matching classified. */
export function requestAreas(r: { thematicAreas: string[]; classifiedAreas: { code: string }[] | null }): string[] {
  return r.thematicAreas.length ? r.thematicAreas : (r.classifiedAreas ?? []).map((a) => a.code);
}
