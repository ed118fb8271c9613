export interface ServerPropertiesInput {
  port: number;
  controllerPort: number;
  logDir: string;
  nodeId: number;
  /** SASL on both listeners and ACLs (docs/decisions/kafka-sasl-acls.md). Absent: PLAINTEXT, no authorizer. */
  auth?: BrokerAuthProperties;
}

export interface BrokerAuthProperties {
  /** What clients use on the client listener. */
  mechanism: ScramMechanism;
  /** The broker's own principal (controller quorum, inter-broker, readiness probe), over PLAIN. */
  brokerUser: string;
  brokerPassword: string;
  /** Principals (without `User:`) that bypass ACLs: the broker itself and the project's admin. */
  superUsers: string[];
}

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/**
 * A single-node KRaft broker that is its own controller. Everything listens on loopback only,
 * internal topics have one replica (there is one broker), and topics are created only on
 * purpose (ensureTopics), so a typo in a topic name fails instead of creating a stray topic.
 */
export function renderServerProperties(p: ServerPropertiesInput): string {
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': p.nodeId,
    ...(p.auth ? authListeners(p, p.auth) : plaintextListeners(p)),
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

function plaintextListeners(p: ServerPropertiesInput): Record<string, string> {
  return {
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  };
}

/**
 * CLIENT: SCRAM for every service principal (credentials live in the metadata log, written at
 * format time) plus PLAIN for the broker's own principal only. CONTROLLER: PLAIN for the broker
 * only. PLAIN users are the `user_<name>` entries of the JAAS line, so no service can log in
 * with PLAIN, and the controller does not depend on SCRAM credentials it would first have to
 * read from the very log it serves. Every connection is authenticated; nothing is ANONYMOUS.
 */
function authListeners(p: ServerPropertiesInput, a: BrokerAuthProperties): Record<string, string> {
  const user = jaasQuote(a.brokerUser);
  const password = jaasQuote(a.brokerPassword);
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username=${user} password=${password} user_${a.brokerUser}=${password};`;
  const scramModule = `listener.name.client.${a.mechanism.toLowerCase()}.sasl.jaas.config`;
  return {
    listeners: `CLIENT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `CLIENT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'CLIENT',
    'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.client.sasl.enabled.mechanisms': `${a.mechanism},PLAIN`,
    'listener.name.client.plain.sasl.jaas.config': plain,
    // The SCRAM server needs a JAAS section too; its users come from the metadata log.
    [scramModule]: 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': plain,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    'super.users': a.superUsers.map((u) => `User:${u}`).join(';'),
  };
}

/**
 * A JAAS option value in a .properties line. Restricted to characters that need no escaping in
 * either syntax (the passwords are base64url), so a value can never end the quote or the line.
 */
function jaasQuote(value: string): string {
  if (!/^[A-Za-z0-9._~-]+$/.test(value)) throw new Error('broker user and password must be [A-Za-z0-9._~-]+');
  return `"${value}"`;
}
