// GitHub's workflow-command escaping (`::error title=...::message`): data escapes %, CR, LF;
// properties also `:` and `,`.
export const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
