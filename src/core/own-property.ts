/**
 * Sets a property as data, whatever its name: `obj["__proto__"] = v` would set the object's prototype
 * instead (a record's columns then read through inheritance, or the value vanishes). A column or JSON
 * key named `__proto__` is data, as JSON.parse keeps it, so every record built by name goes through this.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
