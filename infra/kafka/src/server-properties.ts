export interface ServerPropertiesInput {
  port: number;
  controllerPort: number;
  logDir: string;
  nodeId: number;
}

/**
 * A single-node KRaft broker that is its own controller. Everything listens on loopback only,
 * internal topics have one replica (there is one broker), and topics are created only on
 * purpose (ensureTopics), so a typo in a topic name fails instead of creating a stray topic.
 */
export function renderServerProperties(p: ServerPropertiesInput): string {
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': p.nodeId,
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    // Static voter: unlike a voter set written at format time (--standalone), it lets a data
    // directory be started again on other ports.
    'controller.quorum.voters': `${p.nodeId}@127.0.0.1:${p.controllerPort}`,
    'log.dirs': p.logDir,
    'auto.create.topics.enable': 'false',
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    // Fewer offsets partitions: 50 empty logs cost start time and file handles for nothing here.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // NOTE: the default 3 s delay makes every test that joins a fresh group wait 3 s.
    'group.initial.rebalance.delay.ms': 0,
    // Two cores are shared with every other service: keep thread pools small.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.retention.check.interval.ms': 60_000,
  };
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n'
  );
}
