/** Compares names as people sort them: numbers by value, so `t[2]` comes before `t[10]`. */
export const byName: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true }).compare;
