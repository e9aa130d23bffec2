/**
 * An error whose message is written for the person who made the request: the error handler sends it as
 * `{ "error": message }` with its status. Any other error (the framework's, a library's, a bug) is answered
 * with the status's plain name and nothing of its internals.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
