{{- define "objectstore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "objectstore.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "objectstore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "objectstore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "objectstore.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "objectstore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Secret with the root keys and the master key: the user's, or the chart's. */}}
{{- define "objectstore.secretName" -}}
{{- default (printf "%s-credentials" (include "objectstore.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{/* "true" when the server runs in cluster mode (CLUSTER_ENABLED): replicas > 1 or cluster.enabled; "" otherwise. */}}
{{- define "objectstore.clusterEnabled" -}}
{{- if or .Values.cluster.enabled (gt (int .Values.replicas) 1) }}true{{ end }}
{{- end }}

{{- define "objectstore.headlessName" -}}
{{- printf "%s-headless" (include "objectstore.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "objectstore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "objectstore.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "objectstore.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* postgres://user@host:port/db?sslmode=…, without the password (DATABASE_PASSWORD_FILE adds it). */}}
{{- define "objectstore.databaseUrl" -}}
{{- $pg := .Values.postgresql }}
{{- printf "postgres://%s@%s:%v/%s?sslmode=%s" (urlquery $pg.user) $pg.host $pg.port (urlquery $pg.database) $pg.sslmode }}
{{- end }}

{{/* The S3 domains: config.S3_DOMAIN plus the S3 ingress host when its wildcard is on. */}}
{{- define "objectstore.s3Domains" -}}
{{- $domains := list }}
{{- range (splitList "," (default "" .Values.config.S3_DOMAIN)) }}{{- if trim . }}{{- $domains = append $domains (trim .) }}{{- end }}{{- end }}
{{- if and .Values.ingress.s3.enabled .Values.ingress.s3.wildcard (not (has .Values.ingress.s3.host $domains)) }}
{{- $domains = append $domains .Values.ingress.s3.host }}
{{- end }}
{{- join "," $domains }}
{{- end }}

{{/* Refuses values that would install a store that cannot work. */}}
{{- define "objectstore.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.postgresql.host) }}
{{- fail "replicas > 1 is the clustered mode and needs an external PostgreSQL: set postgresql.host (and postgresql.existingSecret with its password), or keep replicas: 1 for the embedded SQLite" }}
{{- end }}
{{- if and .Values.cluster.enabled (not .Values.postgresql.host) }}
{{- fail "cluster.enabled needs an external PostgreSQL (the nodes coordinate through it): set postgresql.host (and postgresql.existingSecret with its password)" }}
{{- end }}
{{- if and (include "objectstore.clusterEnabled" .) (le (int .Values.cluster.nodeTimeoutSeconds) (int .Values.cluster.heartbeatSeconds)) }}
{{- fail (printf "cluster.nodeTimeoutSeconds (%v) must be longer than cluster.heartbeatSeconds (%v)" .Values.cluster.nodeTimeoutSeconds .Values.cluster.heartbeatSeconds) }}
{{- end }}
{{- if and .Values.postgresql.host (not .Values.postgresql.existingSecret) }}
{{- fail "postgresql.host is set: name the Secret holding the database password in postgresql.existingSecret (key postgresql.passwordKey)" }}
{{- end }}
{{- if ge (add (int .Values.shutdownDelaySeconds) (int .Values.shutdownTimeoutSeconds)) (int .Values.terminationGracePeriodSeconds) }}
{{- fail (printf "shutdownDelaySeconds (%v) + shutdownTimeoutSeconds (%v) must stay below terminationGracePeriodSeconds (%v), or Kubernetes kills the server before it has drained" .Values.shutdownDelaySeconds .Values.shutdownTimeoutSeconds .Values.terminationGracePeriodSeconds) }}
{{- end }}
{{- range $k, $v := .Values.config }}
{{- if regexMatch "(SECRET|PASSWORD|MASTER_KEY|ACCESS_KEY|DATABASE_URL)" $k }}
{{- fail (printf "config.%s is a secret: use auth.existingSecret / postgresql.existingSecret (mounted as files), not config" $k) }}
{{- end }}
{{- if regexMatch "^(CLUSTER_ENABLED|CLUSTER_HEARTBEAT_SECONDS|CLUSTER_NODE_TIMEOUT_SECONDS|NODE_ID|NODE_NAME|NODE_ENDPOINT|NODE_ZONE|NODE_CAPACITY_BYTES)$" $k }}
{{- fail (printf "config.%s is set by the chart in cluster mode: use replicas / cluster.* (and auth.secretKeys.clusterSecret), not config" $k) }}
{{- end }}
{{- end }}
{{- end }}
