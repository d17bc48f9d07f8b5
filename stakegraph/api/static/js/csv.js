// CSV text of a result table, as the explore page's "Download CSV" saves it.
//
// The file is meant to be opened in a spreadsheet, and the cells hold names, subjects and
// titles that came from outside (a sender may call themselves `=HYPERLINK(...)`). A text
// cell that begins with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice
// and Sheets as a formula, so such a cell is written with a leading apostrophe, which they
// show as text. Numbers stay numbers (a negative one is a number, not text).

const FORMULA_START = /^[=+\-@\t\r]/;

function quoted(text) {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cell(value, column, instantText) {
  if (value === null || value === undefined) return '';
  if (column.instant) return instantText(value, column.instant);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return quoted(FORMULA_START.test(text) ? `'${text}` : text);
}

// columns: [{name, instant}], rows: [{name: value}], instantText(value, kind) -> ISO text.
export function csvText(columns, rows, instantText) {
  const lines = [columns.map((column) => cell(column.name, {}, instantText)).join(','),
    ...rows.map((row) => columns.map((column) => cell(row[column.name], column, instantText)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
