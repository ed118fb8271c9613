import {
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type Span,
  SpanStatusCode,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

export { trace, context, SpanStatusCode, type Span, type Context, type Link };

export interface TracingHandle {
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider so spans get real trace ids (logs and Kafka headers carry them
 * even with no collector). Spans are exported only when an OTLP endpoint is configured.
 */
export function initTracing(service: string, otlpEndpoint?: string): TracingHandle {
  const spanProcessors: SpanProcessor[] = [];
  if (otlpEndpoint) {
    const url = otlpEndpoint.replace(/\/$/, '') + '/v1/traces';
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { shutdown: () => provider.shutdown() };
}

/** W3C trace context of `ctx` as Kafka headers (traceparent, tracestate). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The context a producer put into Kafka headers, to parent the consumer's span on it. */
export function contextFromHeaders(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}

export function traceIdOf(span: Span): string {
  return span.spanContext().traceId;
}
