// Validates rendered manifests (`kubectl kustomize …` output, one or more YAML documents) against the Kubernetes and
// KEDA schemas, offline: kubernetes-models' and @kubernetes-models/keda's JSON schemas (pinned in package-lock.json).
// Usage: kubectl kustomize deploy/k8s | node deploy/k8s/validate/validate.mjs
// Prints one line per object and exits 1 if any object is invalid or of a kind it has no schema for.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as keda from "@kubernetes-models/keda/keda.sh/v1alpha1";

const models = {
  v1: core,
  "apps/v1": apps,
  "networking.k8s.io/v1": networking,
  "policy/v1": policy,
  "keda.sh/v1alpha1": keda,
};

const text = readFileSync(process.argv[2] ?? 0, "utf8");
let failures = 0;
let objects = 0;
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    console.log(`INVALID YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    failures++;
    continue;
  }
  const manifest = document.toJS();
  if (manifest === null) {
    continue;
  }
  objects++;
  const name = `${manifest.apiVersion}/${manifest.kind} ${manifest.metadata?.name ?? "(no name)"}`;
  const Model = models[manifest.apiVersion]?.[manifest.kind];
  if (typeof Model !== "function") {
    console.log(`UNKNOWN ${name}: no schema for this apiVersion and kind`);
    failures++;
    continue;
  }
  try {
    new Model(manifest).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`INVALID ${name}: ${error.message}`);
    failures++;
  }
}

if (objects === 0) {
  console.log("no objects to validate");
  failures++;
}
console.log(`${objects} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
