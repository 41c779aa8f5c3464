// Calls to the REST API; every error comes back as {error: {type, status, message, suggestions}}.

export class ApiError extends Error {
  constructor(detail) {
    super(detail.message);
    this.type = detail.type;
    this.status = detail.status;
    this.suggestions = detail.suggestions || [];
    // the parameter an input mistake concerns, and an unknown name as typed (the API's
    // `name`; an Error's own `name` is its class, as AbortError is)
    this.field = detail.field || null;
    this.unknown = detail.name || null;
  }
}

export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return `/api/${path}${text ? `?${text}` : ""}`;
}

async function parse(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    // A page left while its answer was arriving: the caller ignores aborts, never a null.
    if (error.name === "AbortError") throw error;
  }
  if (!response.ok) {
    const detail = body && body.error ? body.error
      : { type: "HTTPError", status: response.status, message: `the server answered ${response.status}` };
    throw new ApiError(detail);
  }
  if (body === null) {
    throw new ApiError({ type: "HTTPError", status: response.status, message: "the server's answer could not be read" });
  }
  return body;
}

export async function getJSON(path, params = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { headers: { Accept: "application/json" }, signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError({ type: "NetworkError", status: 0, message: "cannot reach the Cosmodrome server" });
  }
  return parse(response);
}

export async function postJSON(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return parse(response);
}
