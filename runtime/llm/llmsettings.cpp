#include "llm/llmsettings.h"

#include "core/secretredactor.h"
#include "project/secretref.h"

#include <QProcess>
#include <QStandardPaths>

namespace ktx {

namespace {

Result<QString> resolveKey(const QString &reference, const QString &fallbackEnv,
                           const QString &projectDir, const QProcessEnvironment &env,
                           const QString &what)
{
    if (!reference.trimmed().isEmpty()) {
        const SecretRef ref = SecretRef::parse(reference);
        if (ref.kind() == SecretRef::Kind::Env) {
            const QString value = env.value(ref.target());
            if (value.isEmpty()) {
                return makeError(
                    QStringLiteral("llm.key_missing"),
                    QStringLiteral("The %1 key reference %2 points at an environment variable that "
                                   "is not set.")
                        .arg(what, ref.text()),
                    QStringLiteral("Set %1 in the environment that runs ktx, or store a key with "
                                   "`ktx setup --llm-api-key-file PATH`.")
                        .arg(ref.target()));
            }
            SecretRedactor::registerSecret(value);
            return value;
        }
        Result<QString> value = ref.resolve(projectDir);
        if (!value) {
            Error e = value.error();
            e.message = QStringLiteral("Could not read the %1 key: %2").arg(what, e.message);
            return e;
        }
        return value;
    }
    if (!fallbackEnv.isEmpty()) {
        const QString value = env.value(fallbackEnv);
        if (!value.isEmpty()) {
            SecretRedactor::registerSecret(value);
            return value;
        }
    }
    return QString();
}

QString findExecutable(const QString &name, const QString &overrideVar,
                       const QProcessEnvironment &env)
{
    const QString configured = env.value(overrideVar);
    if (!configured.isEmpty())
        return configured;
    const QStringList path
        = env.value(QStringLiteral("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    const QString found = QStandardPaths::findExecutable(name, path);
    return found.isEmpty() ? QStandardPaths::findExecutable(name) : found;
}

} // namespace

QString LlmSettings::modelFor(const QString &role) const
{
    const QString model = models.value(role);
    return model.isEmpty() ? models.value(QStringLiteral("default")) : model;
}

bool LlmSettings::isHttp() const
{
    return backend == QLatin1String("anthropic") || backend == QLatin1String("vertex")
        || backend == QLatin1String("gateway") || backend == QLatin1String("openai-compatible");
}

QMap<QString, QString> LlmSettings::presetModels(const QString &backend, const QString &singleModel)
{
    QMap<QString, QString> m;
    const QStringList &roles = LlmConfig::roles();
    auto fill = [&](const QString &d, const QString &t, const QString &c, const QString &cu,
                    const QString &r, const QString &re) {
        const QStringList values {d, t, c, cu, r, re};
        for (int i = 0; i < roles.size() && i < values.size(); ++i)
            m.insert(roles.at(i), values.at(i));
    };
    if (backend == QLatin1String("anthropic") || backend == QLatin1String("vertex")
        || backend == QLatin1String("gateway")) {
        fill(QStringLiteral("claude-sonnet-4-6"), QStringLiteral("claude-haiku-4-5"),
             QStringLiteral("claude-sonnet-4-6"), QStringLiteral("claude-opus-4-7"),
             QStringLiteral("claude-opus-4-7"), QStringLiteral("claude-haiku-4-5"));
    } else if (backend == QLatin1String("claude-code")) {
        fill(QStringLiteral("sonnet"), QStringLiteral("haiku"), QStringLiteral("sonnet"),
             QStringLiteral("opus"), QStringLiteral("opus"), QStringLiteral("haiku"));
    } else if (backend == QLatin1String("codex")) {
        const QString model = singleModel.isEmpty() ? QStringLiteral("gpt-5.5") : singleModel;
        fill(model, model, model, model, model, model);
    } else if (backend == QLatin1String("openai-compatible") && !singleModel.isEmpty()) {
        fill(singleModel, singleModel, singleModel, singleModel, singleModel, singleModel);
    }
    return m;
}

Result<LlmSettings> LlmSettings::fromConfig(const LlmConfig &config, const QString &projectDir,
                                            const QProcessEnvironment &env)
{
    LlmSettings s;
    s.backend = config.backend.isEmpty() ? QStringLiteral("none") : config.backend;
    s.models = config.models;
    s.promptCaching = config.promptCaching;
    s.projectDir = projectDir;

    if (!LlmConfig::backends().contains(s.backend)) {
        return makeError(QStringLiteral("llm.unknown_backend"),
                         QStringLiteral("Unknown LLM backend \"%1\".").arg(s.backend),
                         QStringLiteral("Set llm.provider.backend to one of: %1.")
                             .arg(LlmConfig::backends().join(QLatin1String(", "))));
    }
    if (s.backend == QLatin1String("none"))
        return s;
    if (s.modelFor(QStringLiteral("default")).isEmpty()) {
        return makeError(
            QStringLiteral("llm.model_missing"),
            QStringLiteral("llm.models.default is required for backend \"%1\".").arg(s.backend),
            QStringLiteral("Add llm.models.default to ktx.yaml, or run `ktx setup --llm-backend %1 "
                           "--no-input` "
                           "to write the preset models.")
                .arg(s.backend));
    }

    if (s.backend == QLatin1String("anthropic")) {
        Result<QString> key
            = resolveKey(config.anthropic.apiKey, QStringLiteral("ANTHROPIC_API_KEY"), projectDir,
                         env, QStringLiteral("Anthropic"));
        if (!key)
            return key.error();
        if (key->isEmpty()) {
            return makeError(
                QStringLiteral("llm.key_missing"),
                QStringLiteral("No Anthropic API key is configured."),
                QStringLiteral(
                    "Set ANTHROPIC_API_KEY, or set llm.provider.anthropic.api_key to an env: or "
                    "file: reference (`ktx setup --llm-api-key-env NAME`)."));
        }
        s.apiKey = key.value();
        s.baseUrl
            = QUrl(config.anthropic.baseUrl.isEmpty() ? QStringLiteral("https://api.anthropic.com")
                                                      : config.anthropic.baseUrl);
    } else if (s.backend == QLatin1String("gateway")) {
        Result<QString> key
            = resolveKey(config.gateway.apiKey, QStringLiteral("AI_GATEWAY_API_KEY"), projectDir,
                         env, QStringLiteral("gateway"));
        if (!key)
            return key.error();
        if (key->isEmpty() || config.gateway.baseUrl.isEmpty()) {
            return makeError(
                QStringLiteral("llm.gateway_incomplete"),
                QStringLiteral(
                    "The gateway backend needs llm.provider.gateway.base_url and api_key."),
                QStringLiteral("Set both in ktx.yaml; the key as env:NAME or file:PATH."));
        }
        s.apiKey = key.value();
        s.baseUrl = QUrl(config.gateway.baseUrl);
    } else if (s.backend == QLatin1String("openai-compatible")) {
        if (config.openaiCompatible.baseUrl.isEmpty()) {
            return makeError(
                QStringLiteral("llm.base_url_missing"),
                QStringLiteral(
                    "The openai-compatible backend needs llm.provider.openaiCompatible.base_url."),
                QStringLiteral(
                    "Set it to the server's /v1 root, e.g. http://127.0.0.1:11434/v1 for Ollama "
                    "(`ktx setup --llm-backend openai-compatible --llm-base-url URL`)."));
        }
        Result<QString> key = resolveKey(config.openaiCompatible.apiKey, QString(), projectDir, env,
                                         QStringLiteral("OpenAI-compatible"));
        if (!key)
            return key.error();
        s.apiKey = key.value(); // optional: local servers need none
        s.baseUrl = QUrl(config.openaiCompatible.baseUrl);
    } else if (s.backend == QLatin1String("vertex")) {
        s.vertexProject = config.vertexProject;
        s.vertexLocation
            = config.vertexLocation.isEmpty() ? QStringLiteral("us-east5") : config.vertexLocation;
        if (s.vertexProject.isEmpty()) {
            return makeError(
                QStringLiteral("llm.vertex_project_missing"),
                QStringLiteral("The vertex backend needs llm.provider.vertex.project."),
                QStringLiteral("Set llm.provider.vertex.project and location in ktx.yaml."));
        }
        const QString override = env.value(QStringLiteral("ANTHROPIC_VERTEX_BASE_URL"));
        s.baseUrl = QUrl(
            !override.isEmpty() ? override
                : s.vertexLocation == QLatin1String("global")
                ? QStringLiteral("https://aiplatform.googleapis.com")
                : QStringLiteral("https://%1-aiplatform.googleapis.com").arg(s.vertexLocation));
        QString token = env.value(QStringLiteral("KTX_VERTEX_ACCESS_TOKEN"));
        if (token.isEmpty())
            token = env.value(QStringLiteral("GOOGLE_OAUTH_ACCESS_TOKEN"));
        if (token.isEmpty()) {
            // Application-default credentials through Google's own tool; bounded wait.
            const QString gcloud = findExecutable(QStringLiteral("gcloud"),
                                                  QStringLiteral("KTX_GCLOUD_EXECUTABLE"), env);
            if (!gcloud.isEmpty()) {
                QProcess p;
                p.setProcessEnvironment(env);
                p.start(gcloud,
                        {QStringLiteral("auth"), QStringLiteral("application-default"),
                         QStringLiteral("print-access-token")});
                if (p.waitForFinished(15000) && p.exitCode() == 0)
                    token = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
                else
                    p.kill();
            }
        }
        if (token.isEmpty()) {
            return makeError(QStringLiteral("llm.vertex_credentials_missing"),
                             QStringLiteral("No Google access token for Vertex AI."),
                             QStringLiteral("Run `gcloud auth application-default login`, or set "
                                            "KTX_VERTEX_ACCESS_TOKEN."));
        }
        SecretRedactor::registerSecret(token);
        s.vertexAccessToken = token;
    } else if (s.backend == QLatin1String("claude-code")) {
        s.executable = findExecutable(QStringLiteral("claude"),
                                      QStringLiteral("KTX_CLAUDE_EXECUTABLE"), env);
        if (s.executable.isEmpty()) {
            return makeError(
                QStringLiteral("llm.cli_not_installed"),
                QStringLiteral("Claude Code (`claude`) is not installed."),
                QStringLiteral(
                    "Install it with `npm install -g @anthropic-ai/claude-code`, sign in with "
                    "`claude`, then run `ktx status` again."));
        }
    } else if (s.backend == QLatin1String("codex")) {
        s.executable
            = findExecutable(QStringLiteral("codex"), QStringLiteral("KTX_CODEX_EXECUTABLE"), env);
        if (s.executable.isEmpty()) {
            return makeError(
                QStringLiteral("llm.cli_not_installed"),
                QStringLiteral("Codex (`codex`) is not installed."),
                QStringLiteral(
                    "Install it with `npm install -g @openai/codex`, sign in with `codex login`, "
                    "then run `ktx status` again."));
        }
    }
    return s;
}

} // namespace ktx
