#include "project/llmsetup.h"

#include "project/configeditor.h"
#include "project/projectconfig.h"
#include "project/secretref.h"
#include "project/yamlvalue.h"

namespace ktx {

Result<void> LlmSetup::validate(const LlmSetupChoice &choice)
{
    const QString &backend = choice.backend;
    if (!LlmConfig::backends().contains(backend))
        return makeError(QStringLiteral("llm.unknown_backend"),
                         QStringLiteral("Unknown LLM backend \"%1\".").arg(backend),
                         QStringLiteral("Choose one of: %1.")
                             .arg(LlmConfig::backends().join(QStringLiteral(", "))));
    if (backend == QLatin1String("none"))
        return {};
    if ((backend == QLatin1String("gateway") || backend == QLatin1String("openai-compatible"))
        && choice.baseUrl.trimmed().isEmpty())
        return makeError(QStringLiteral("llm.base_url_missing"),
                         QStringLiteral("The %1 backend needs llm.provider.%2.base_url.")
                             .arg(backend, endpointBlock(backend)),
                         backend == QLatin1String("openai-compatible")
                             ? QStringLiteral("Use the server's /v1 root, e.g. "
                                              "http://127.0.0.1:11434/v1 for Ollama.")
                             : QString());
    if (backend == QLatin1String("vertex") && choice.vertexProject.trimmed().isEmpty())
        return makeError(QStringLiteral("llm.vertex_project_missing"),
                         QStringLiteral("The vertex backend needs llm.provider.vertex.project."),
                         QStringLiteral("Use the Google Cloud project that has Claude enabled."));
    if (choice.models.value(QStringLiteral("default")).trimmed().isEmpty())
        return makeError(
            QStringLiteral("llm.model_missing"),
            QStringLiteral("llm.models.default is required for backend \"%1\".").arg(backend),
            QStringLiteral("Name the model every role falls back to."));
    // ktx.yaml is committed: a key written into it would be published with it.
    if (!choice.apiKeyRef.isEmpty()
        && SecretRef::parse(choice.apiKeyRef).kind() == SecretRef::Kind::Literal)
        return makeError(QStringLiteral("llm.key_literal"),
                         QStringLiteral("An API key is not written into ktx.yaml."),
                         QStringLiteral("Reference it as env:NAME, or store it as a local secret "
                                        "(file:.ktx/secrets/%1).")
                             .arg(secretName(backend)));
    return {};
}

Result<void> LlmSetup::write(ConfigEditor &editor, const LlmSetupChoice &choice)
{
    if (Result<void> valid = validate(choice); !valid.ok())
        return valid;
    const QString &backend = choice.backend;
    const QString llm = QStringLiteral("llm");

    YamlValue provider = YamlValue::mapping();
    provider.insert(QStringLiteral("backend"), YamlValue::string(backend));
    if (const QString block = endpointBlock(backend); !block.isEmpty()) {
        YamlValue endpoint = YamlValue::mapping();
        if (!choice.apiKeyRef.isEmpty())
            endpoint.insert(QStringLiteral("api_key"), YamlValue::string(choice.apiKeyRef));
        if (!choice.baseUrl.trimmed().isEmpty())
            endpoint.insert(QStringLiteral("base_url"),
                            YamlValue::string(choice.baseUrl.trimmed()));
        if (!endpoint.entries().empty())
            provider.insert(block, endpoint);
    } else if (backend == QLatin1String("vertex")) {
        const QString location = choice.vertexLocation.trimmed();
        provider.insert(QStringLiteral("vertex"),
                        YamlValue::mapping()
                            .insert(QStringLiteral("project"),
                                    YamlValue::string(choice.vertexProject.trimmed()))
                            .insert(QStringLiteral("location"),
                                    YamlValue::string(location.isEmpty() ? defaultVertexLocation()
                                                                         : location)));
    }
    if (Result<void> r = editor.set({llm, QStringLiteral("provider")}, provider); !r.ok())
        return r;
    if (const QString block = endpointBlock(backend);
        !block.isEmpty() && choice.apiKeyRef.isEmpty() && !choice.keepKeyWhenEmpty) {
        if (Result<void> r
            = editor.remove({llm, QStringLiteral("provider"), block, QStringLiteral("api_key")});
            !r.ok())
            return r;
    }

    // In role order, not the map's alphabetical one: the file reads like the spec.
    YamlValue models = YamlValue::mapping();
    for (const QString &role : LlmConfig::roles()) {
        const auto it = choice.models.constFind(role);
        if (it == choice.models.constEnd())
            continue;
        if (it->trimmed().isEmpty()) {
            if (Result<void> r = editor.remove({llm, QStringLiteral("models"), role}); !r.ok())
                return r;
        } else {
            models.insert(role, YamlValue::string(it->trimmed()));
        }
    }
    if (!models.entries().empty()) {
        if (Result<void> r = editor.set({llm, QStringLiteral("models")}, models); !r.ok())
            return r;
    }

    // The original's setup turns caching on for the Anthropic APIs; the agent
    // CLIs keep whatever the file says.
    if (backend == QLatin1String("anthropic")) {
        if (Result<void> r
            = editor.set({llm, QStringLiteral("promptCaching"), QStringLiteral("enabled")},
                         YamlValue::boolean(true));
            !r.ok())
            return r;
    } else if (backend == QLatin1String("vertex")) {
        if (Result<void> r = editor.set(
                {llm, QStringLiteral("promptCaching")},
                YamlValue::mapping()
                    .insert(QStringLiteral("enabled"), YamlValue::boolean(true))
                    .insert(QStringLiteral("vertexFallbackTo5m"), YamlValue::boolean(true)));
            !r.ok())
            return r;
    }
    if (backend != QLatin1String("none"))
        return editor.set(
            {QStringLiteral("scan"), QStringLiteral("enrichment"), QStringLiteral("mode")},
            YamlValue::string(QStringLiteral("llm")));
    return {};
}

QString LlmSetup::secretName(const QString &backend)
{
    return backend + QStringLiteral("-api-key");
}

QString LlmSetup::endpointBlock(const QString &backend)
{
    if (backend == QLatin1String("anthropic"))
        return QStringLiteral("anthropic");
    if (backend == QLatin1String("gateway"))
        return QStringLiteral("gateway");
    if (backend == QLatin1String("openai-compatible"))
        return QStringLiteral("openaiCompatible");
    return {};
}

} // namespace ktx
