// Loaders of the kubernetes-models module of each built-in kind slipway validates, keyed
// `<apiVersion>/<kind>`: the kinds src/validate/core-schemas.ts knows. Add a kind here.
//
// CommonJS on purpose: each `require` runs only when its kind is first validated (a Deployment
// loads its own schema closure, not the 1700 kubernetes-models schemas), and scripts/build.mjs
// bundles what these lines name into dist/, so an installed slipway does not carry the whole
// 22 MB kubernetes-models package (from a checkout, Node requires them from node_modules).
module.exports = {
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/LimitRange': () => require('kubernetes-models/v1/LimitRange').LimitRange,
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/PersistentVolume': () => require('kubernetes-models/v1/PersistentVolume').PersistentVolume,
  'v1/PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim').PersistentVolumeClaim,
  'v1/Pod': () => require('kubernetes-models/v1/Pod').Pod,
  'v1/ResourceQuota': () => require('kubernetes-models/v1/ResourceQuota').ResourceQuota,
  'v1/Secret': () => require('kubernetes-models/v1/Secret').Secret,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'apps/v1/DaemonSet': () => require('kubernetes-models/apps/v1/DaemonSet').DaemonSet,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'apps/v1/ReplicaSet': () => require('kubernetes-models/apps/v1/ReplicaSet').ReplicaSet,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'batch/v1/CronJob': () => require('kubernetes-models/batch/v1/CronJob').CronJob,
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job').Job,
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  'networking.k8s.io/v1/IngressClass': () => require('kubernetes-models/networking.k8s.io/v1/IngressClass').IngressClass,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'autoscaling/v1/HorizontalPodAutoscaler': () =>
    require('kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'autoscaling/v2/HorizontalPodAutoscaler': () =>
    require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole').ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () =>
    require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding').ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding,
  'scheduling.k8s.io/v1/PriorityClass': () => require('kubernetes-models/scheduling.k8s.io/v1/PriorityClass').PriorityClass,
  'storage.k8s.io/v1/StorageClass': () => require('kubernetes-models/storage.k8s.io/v1/StorageClass').StorageClass,
  // What platform charts install: their CRDs and admission webhooks.
  'apiextensions.k8s.io/v1/CustomResourceDefinition': () =>
    require('kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition').CustomResourceDefinition,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': () =>
    require('kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration').MutatingWebhookConfiguration,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': () =>
    require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration').ValidatingWebhookConfiguration,
};
