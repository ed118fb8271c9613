'use client';

import { MuteTimingsPanel } from './mute-timings-panel.tsx';
import { RoutingEditor } from './routing-editor.tsx';
import styles from './routing.module.css';

/** /alerts/routing: the notification policy tree, and the mute timings its routes may use. */
export function RoutingView() {
  return (
    <>
      <div className="page-head">
        <h1>Routing</h1>
      </div>
      <p className="muted small">
        Each alert walks the tree depth first: a route takes it when its matchers match, unless one of its
        children does; after a matching route its next siblings are tried only when it has continue. Empty
        fields are inherited from the parent route.
      </p>
      <div className={styles.layout}>
        <RoutingEditor />
        <MuteTimingsPanel />
      </div>
    </>
  );
}
