export function EmptyState({ ingestUrl }: { ingestUrl: string }) {
  const curl = [
    `curl -X POST ${ingestUrl}/v1/events \\`,
    `  -H "Authorization: Bearer $TRIBUTARY_WRITE_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"event_type":"page_view","user_id":"u_1","data":{"path":"/pricing"}}'`,
  ].join('\n');
  return (
    <section className="card empty" data-testid="live-empty">
      <h2>No events yet — send one with curl</h2>
      <p>
        Events appear here within a couple of seconds of reaching ClickHouse. With <code>npm start</code>, the
        demo source&apos;s write key is in <code>.tributary/demo.env</code>.
      </p>
      <pre className="code">{curl}</pre>
    </section>
  );
}
