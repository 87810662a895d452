// jaro-winkler ships no types: it exports one function returning the Jaro-Winkler similarity in [0, 1].
declare module 'jaro-winkler' {
  function distance(a: string, b: string, options?: { caseSensitive?: boolean }): number;
  export default distance;
}
