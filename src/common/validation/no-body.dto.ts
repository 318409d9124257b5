/**
 * `@Body() _body: NoBodyDto` on a route that takes no input: a body with any field is refused
 * (422 naming it) instead of being silently ignored. Checked by the global pipe
 * (validation.pipe.ts); an absent body or `{}` passes.
 */
export class NoBodyDto {}
