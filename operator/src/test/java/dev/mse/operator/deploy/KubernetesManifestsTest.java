package dev.mse.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.OperatorConfigParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests in {@code deploy/kubernetes/}, read strictly into fabric8's model classes: a field
 * the model does not know (a typo, a wrong indentation) fails the test instead of being dropped by
 * the cluster. Then the essentials: two replicas, RBAC bound to the namespace, the PostgreSQL URL
 * from a Secret, the proxy behind a LoadBalancer.
 */
class KubernetesManifestsTest {
  static final Path DIR = Path.of("..", "deploy", "kubernetes");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final Map<String, HasMetadata> BY_FILE = new TreeMap<>();

  @BeforeAll
  static void read() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        if (f.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        HasMetadata object;
        try (InputStream in = Files.newInputStream(f)) {
          object = SERIALIZATION.unmarshal(in);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, object.getKind(), unknown, new IdentityHashMap<>());
        assertThat(unknown).as(f + ": fields the model does not know").isEmpty();
        BY_FILE.put(f.getFileName().toString(), object);
      }
    }
  }

  /** Every field the model classes put in an {@code additionalProperties} map, by path. */
  static void unknownFields(
      Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen)
      throws Exception {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        unknownFields(e, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), unknown, seen);
      }
      return;
    }
    if (!(o instanceof KubernetesResource)) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      unknownFields(v, path + "." + m.getName().substring(3), unknown, seen);
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T only(Class<T> type) {
    List<T> found = BY_FILE.values().stream().filter(type::isInstance).map(o -> (T) o).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.getFirst();
  }

  @Test
  void theStrictReadCatchesAnUnknownField() throws Exception {
    String typo =
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: x
        spec:
          selctor:
            app: x
        """;
    HasMetadata s = SERIALIZATION.unmarshal(typo);
    List<String> unknown = new ArrayList<>();
    unknownFields(s, "Service", unknown, new IdentityHashMap<>());
    assertThat(unknown).containsExactly("Service.Spec.selctor");

    String deep =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: x
        spec:
          template:
            spec:
              containers:
                - name: x
                  imagee: y
        """;
    List<String> inContainer = new ArrayList<>();
    unknownFields(
        SERIALIZATION.unmarshal(deep), "Deployment", inContainer, new IdentityHashMap<>());
    assertThat(inContainer).containsExactly("Deployment.Spec.Template.Spec.Containers[0].imagee");
  }

  @Test
  void kustomizeListsEveryManifestAndTheConfigFile() throws Exception {
    JsonNode k = new YAMLMapper().readTree(Files.readString(DIR.resolve("kustomization.yaml")));
    assertThat(k.path("namespace").asString()).isEqualTo("mse");
    Set<String> listed = new TreeSet<>();
    k.path("resources").forEach(r -> listed.add(r.asString()));
    assertThat(listed).isEqualTo(BY_FILE.keySet());
    assertThat(k.path("configMapGenerator").get(0).path("files").get(0).asString())
        .isEqualTo("operator.toml");
  }

  @Test
  void theOperatorConfigIsValidAndUsesTheKubernetesProvider() throws Exception {
    OperatorConfig config = OperatorConfigParser.read(DIR.resolve("operator.toml"));
    assertThat(config.nodeProvider()).isEqualTo("kubernetes");
    OperatorConfig.Kubernetes k = config.kubernetes().orElseThrow();
    assertThat(k.namespace()).isEqualTo("mse");
    // the apps' network policies let in exactly the operator's pods
    Deployment d = only(Deployment.class);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(k.proxyLabels());
  }

  @Test
  void twoOperatorsWithTheDatabaseUrlFromASecret() {
    Deployment d = only(Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName())
        .isEqualTo(
            only(io.fabric8.kubernetes.api.model.ServiceAccount.class).getMetadata().getName());
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    var container = pod.getContainers().getFirst();
    assertThat(container.getArgs()).containsSubsequence("--database-url", "$(MSE_DATABASE_URL)");
    assertThat(container.getEnv())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("MSE_DATABASE_URL");
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("mse-postgres");
            });
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void theApiIsAServiceAndTheProxyALoadBalancer() {
    List<Service> services =
        BY_FILE.values().stream()
            .filter(Service.class::isInstance)
            .map(Service.class::cast)
            .toList();
    assertThat(services)
        .extracting(s -> s.getSpec().getType())
        .containsExactlyInAnyOrder("ClusterIP", "LoadBalancer");
    Service proxy =
        services.stream()
            .filter(s -> s.getSpec().getType().equals("LoadBalancer"))
            .findFirst()
            .orElseThrow();
    assertThat(proxy.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("proxy"));
  }

  @Test
  void rbacIsARoleInTheNamespaceWithoutSecretsOrWildcards() {
    Role role = only(Role.class);
    RoleBinding binding = only(RoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getKind()).isEqualTo("ServiceAccount"));
    // no ClusterRole or ClusterRoleBinding anywhere: the operator acts in its namespace only
    assertThat(BY_FILE.values()).noneMatch(o -> o.getKind().startsWith("Cluster"));
    Set<String> resources = new TreeSet<>();
    role.getRules()
        .forEach(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate");
              assertThat(r.getApiGroups()).doesNotContain("*");
              resources.addAll(r.getResources());
            });
    assertThat(resources)
        .containsExactlyInAnyOrder(
            "pods", "pods/log", "persistentvolumeclaims", "configmaps", "networkpolicies");
  }

  @Test
  void onlyTheApiAndProxyPortsReachTheOperator() {
    NetworkPolicy p = only(NetworkPolicy.class);
    assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(p.getSpec().getIngress())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getPorts())
                    .extracting(port -> port.getPort().getIntVal())
                    .containsExactlyInAnyOrder(8080, 8443));
  }
}
