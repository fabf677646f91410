package dev.mse.operator.apps;

import java.sql.Connection;

/**
 * How the apps of one operator instance relate to other instances on the same database. Alone
 * ({@link #ALONE}) it does everything itself; one of several ({@code cluster.ClusterMember}) it
 * starts, stops and watches nodes only while it holds the leader's lease, and leaves a new app's
 * node to the leader.
 */
public interface Coordination {
  /** One instance alone on its database: today's behaviour. */
  Coordination ALONE =
      new Coordination() {
        @Override
        public boolean shared() {
          return false;
        }

        @Override
        public boolean runsNodes() {
          return true;
        }

        @Override
        public void fence(Connection c) {}

        @Override
        public void changed(java.util.UUID appId) {}
      };

  /** Whether other instances share the database (nodes are the leader's; routes come from it). */
  boolean shared();

  /** Whether this instance starts, stops and watches nodes now. */
  boolean runsNodes();

  /**
   * Called first in the transaction of every leader-only write: throws unless this instance still
   * holds the lease it was elected with, and keeps a new leader from taking over until the
   * transaction ends.
   */
  void fence(Connection c);

  /**
   * An app changed (committed): every instance updates its routes to that app, the leader its node.
   */
  void changed(java.util.UUID appId);
}
