/** S3 requests with these methods change data: refused while maintenance mode is on. GET, HEAD and OPTIONS keep working. */
const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE', 'PATCH']);

/** Whether maintenance mode refuses a request with this HTTP method. */
export function refusedInMaintenance(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}
