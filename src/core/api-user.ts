/**
 * The time-log `user` value that credits the API user explicitly (`user: { default: api-user }`): the
 * time-log loader then sends no `owner_zpuid` and Zoho books the log to the token's owner; the
 * 24 h-per-day rule counts such logs under the API user. Core holds it because the field table
 * (transform), the loader (load) and prepare (pipeline) all read it.
 */
export const API_USER = 'api-user';
