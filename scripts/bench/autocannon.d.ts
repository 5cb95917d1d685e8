// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  export interface RawRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string }
  export interface RequestSpec extends RawRequest {
    setupRequest?: (req: RawRequest, context: Record<string, unknown>) => RawRequest | null
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void
  }
  export interface Histogram { average: number; mean: number; stddev: number; min: number; max: number; p50: number; p90: number; p97_5: number; p99: number; total: number }
  export interface Result {
    requests: Histogram & { sent: number }
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    duration: number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
  }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    amount?: number
    overallRate?: number
    timeout?: number
    pipelining?: number
    headers?: Record<string, string>
    requests?: RequestSpec[]
  }
  function autocannon(opts: Options): Promise<Result> & { stop(): void }
  export default autocannon
}
