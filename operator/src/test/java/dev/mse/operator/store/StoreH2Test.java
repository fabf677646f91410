package dev.mse.operator.store;

import dev.mse.operator.testing.TestDatabase;

class StoreH2Test extends AbstractStoreTest {
  @Override
  TestDatabase.Kind kind() {
    return TestDatabase.Kind.H2;
  }
}
