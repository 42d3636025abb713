/** Shapes shared by several Batch resources, in the domain's own terms. */

export type Tags = Record<string, string>;
export type ResourceState = 'ENABLED' | 'DISABLED';
export type ResourceStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'DELETED' | 'VALID' | 'INVALID';

/** A JSON value kept as the user sent it (fields that only matter on AWS are stored and echoed). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface KeyValuePair {
  name?: string;
  value?: string;
}

/** One page of a listing; `nextToken` is absent on the last page. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** What a store returns for a page: items plus an opaque cursor when more may follow. */
export interface Slice<T> {
  items: T[];
  cursor?: string;
}
