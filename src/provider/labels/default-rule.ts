/** Traefik's `normalize`: every run of characters other than letters and digits becomes one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

/**
 * Renders a `defaultRule`. Traefik evaluates a Go template with sprig; Switchyard supports exactly
 * `{{ normalize .Name }}` and `{{ .Name }}` and throws an Error naming any other action.
 */
export function renderDefaultRule(template: string, name: string): string {
  return template.replace(ACTION, (whole, action: string) => {
    const compact = action.replace(/\s+/g, ' ');
    if (compact === '.Name') return name;
    if (compact === 'normalize .Name') return normalizeName(name);
    throw new Error(`defaultRule: the template action ${whole} is not supported (only {{ .Name }} and {{ normalize .Name }} are)`);
  });
}
