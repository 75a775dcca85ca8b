/*
 * The forms a secret takes when a task prints it encoded, as the GitHub
 * Actions runner masks them too: base64 (a Basic auth header `curl -v` shows,
 * a Kubernetes secret's data), base64url (a JWT's parts), URL encoding (a
 * password in a connection string or a query), JSON's string escapes (a
 * config dumped as JSON) and XML's (a JUnit report, an HTML page).
 */

/**
 * Base64 characters that stand for the secret's bytes alone, wherever it sits
 * in the encoded text. Three bytes make four characters, so the secret starts
 * at one of three alignments; for each, the whole groups of three bytes from
 * its first group boundary on. The characters at either end also hold bits of
 * what comes before or after, so they differ from one text to the next and
 * are left as they are: they hold a few bits of the secret's first and last
 * two bytes, never the secret.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole <= 0) continue;
    const encoded = bytes.subarray(skip, skip + whole).toString('base64');
    forms.push(encoded, encoded.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** The widths base64 encoders wrap their lines at: PEM and `openssl base64` 64, `base64`, MIME and Python's `encodebytes` 76. */
export const WRAP_WIDTHS: readonly number[] = [64, 76];

/**
 * The secret's base64 as an encoder that wraps its lines writes it
 * (`base64 key.pem`, `echo "$TOKEN" | base64`), when the secret is the start
 * of what is encoded: `lines`, each a whole line of one of the widths, which
 * the masker looks for at the end of a line; and `tails`, the start of each
 * last line, up to the secret's last whole group of three bytes, at least
 * `minTail` characters, looked for anywhere. Either alone is the encoding of
 * the secret's own bytes, as a line of a multi-line secret is masked alone.
 */
export function wrappedBase64(value: string, minTail: number): { lines: string[]; tails: string[] } {
  const bytes = Buffer.from(value, 'utf8');
  const encoded = bytes.subarray(0, Math.floor(bytes.length / 3) * 3).toString('base64');
  const lines: string[] = [];
  const tails: string[] = [];
  for (const width of WRAP_WIDTHS) {
    if (encoded.length <= width) continue;
    for (let at = 0; at < encoded.length; at += width) {
      const line = encoded.slice(at, at + width);
      if (line.length === width) lines.push(line);
      else if (line.length >= minTail) tails.push(line);
    }
  }
  return { lines, tails };
}

/** RFC 3986's strict form also escapes `!'()*`, as curl's `--data-urlencode` and Python's `quote(s, safe='')` do. */
function urlForms(value: string): string[] {
  let component: string;
  try {
    component = encodeURIComponent(value);
  } catch {
    // A lone surrogate cannot be URL-encoded; no program prints it so either.
    return [];
  }
  return [component, component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlForms(value: string): string[] {
  const xml = value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
  // HTML escapers write the apostrophe as a number.
  return [xml, xml.replace(/&apos;/g, '&#39;')];
}

/** The encoded forms of `value` that differ from it, each at least `minLength` long. */
export function encodedForms(value: string, minLength: number): string[] {
  const forms = new Set([...base64Forms(value), ...urlForms(value), JSON.stringify(value).slice(1, -1), ...xmlForms(value)]);
  forms.delete(value);
  return [...forms].filter((form) => form.length >= minLength);
}
