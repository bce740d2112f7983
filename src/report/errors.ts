/** Raised for a results directory the report cannot use (missing or malformed results.json, bad figure data) or a chart that fails to render. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}
