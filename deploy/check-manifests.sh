#!/usr/bin/env bash
# Checks deploy/k8s/*.yaml offline: each resource against the Kubernetes API schemas bundled in
# PyPI's kubernetes-validate (strict: unknown fields are errors), then the promises the README
# makes about them (worker Deployments per arch with probes and a cache volume, coordinator probes
# on /readyz and /healthz, keys mounted from Secrets, no key material in any argument).
# Run by `make test`; installs kubernetes-validate when it is missing.
set -euo pipefail
cd "$(dirname "$0")/k8s"
K8S_VERSION="${K8S_VERSION:-1.31.0}"

if ! command -v kubernetes-validate >/dev/null 2>&1; then
  python3 -m pip install -q kubernetes-validate
fi
kubernetes-validate --strict --quiet -k "$K8S_VERSION" ./*.yaml

python3 - ./*.yaml <<'PY'
import re, sys, yaml
docs = [d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)
problems = []
def pod(d): return d["spec"]["template"]["spec"]
def containers(d): return pod(d)["containers"]

coordinators = by_kind.get("StatefulSet", [])
if len(coordinators) != 1: problems.append("expected one coordinator StatefulSet")
for s in coordinators:
    if not s["spec"].get("volumeClaimTemplates"): problems.append(f"{s['metadata']['name']}: no PersistentVolumeClaim for the store")
    c = containers(s)[0]
    if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz": problems.append("coordinator readiness probe is not /readyz")
    if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz": problems.append("coordinator liveness probe is not /healthz")
    if not any(a.startswith("--db=/data") for a in c["args"]): problems.append("coordinator store is not on the volume")

arches = {}
for d in by_kind.get("Deployment", []):
    arch = pod(d).get("nodeSelector", {}).get("kubernetes.io/arch")
    arches[arch] = d["metadata"]["name"]
    c = containers(d)[0]
    for probe in ("readinessProbe", "livenessProbe"):
        if "worker-probe" not in " ".join(c.get(probe, {}).get("exec", {}).get("command", [])):
            problems.append(f"{d['metadata']['name']}: {probe} does not run testfleet worker-probe")
    if not any(a.startswith("--health-file=") for a in c["args"]): problems.append(f"{d['metadata']['name']}: no --health-file")
    if not any(v["mountPath"] == "/cache" for v in c["volumeMounts"]): problems.append(f"{d['metadata']['name']}: no cache volume")
for want in ("amd64", "arm64"):
    if want not in arches: problems.append(f"no worker Deployment with nodeSelector kubernetes.io/arch={want}")

z85_key = re.compile(r"^[0-9A-Za-z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$")
for d in by_kind.get("StatefulSet", []) + by_kind.get("Deployment", []):
    for c in containers(d):
        for value in c.get("args", []) + [e.get("value", "") for e in c.get("env", [])]:
            if z85_key.match(value.split("=", 1)[-1]): problems.append(f"{d['metadata']['name']}: a key in an argument or variable: {value}")
    secrets = [v for v in pod(d)["volumes"] if "secret" in v]
    if not secrets: problems.append(f"{d['metadata']['name']}: no key mounted from a Secret")

if problems:
    print("\n".join("deploy/k8s: " + p for p in problems), file=sys.stderr)
    sys.exit(1)
print(f"deploy/k8s: {len(docs)} resources valid against Kubernetes schemas and checked (worker arches: {sorted(arches)})")
PY
