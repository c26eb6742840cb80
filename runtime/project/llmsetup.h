#pragma once

#include "core/result.h"

#include <QMap>
#include <QString>

namespace ktx {

class ConfigEditor;

// The LLM part of setup as ktx.yaml records it. `ktx setup --llm-*` and the
// wizard's model page both describe the person's choice with this and write it
// with LlmSetup::write, so the two cannot drift apart on keys or defaults.
struct LlmSetupChoice
{
    QString backend; // one of LlmConfig::backends()
    // role -> model id (roles from LlmConfig::roles()). A role left out keeps
    // what ktx.yaml has; a role mapped to an empty id is removed, so it falls
    // back to llm.models.default.
    QMap<QString, QString> models;
    // A reference (env:NAME or file:PATH), never the key itself. Empty: the
    // backend falls back to its environment variable, and an api_key already in
    // ktx.yaml stays unless keepKeyWhenEmpty is false (the wizard shows the
    // whole choice, so an emptied key field means "no reference").
    QString apiKeyRef;
    bool keepKeyWhenEmpty = true;
    QString baseUrl; // gateway, openai-compatible
    QString vertexProject;
    QString vertexLocation; // empty: us-east5
};

class LlmSetup
{
public:
    LlmSetup() = delete;

    // What the backend still needs before it can be written (e.g. a base URL);
    // the error names the ktx.yaml key.
    static Result<void> validate(const LlmSetupChoice &choice);

    // llm.provider (backend and its block), llm.models, the prompt-caching
    // defaults of anthropic and vertex, and scan.enrichment.mode: llm for every
    // backend but none. Other keys and all comments stay as they are.
    static Result<void> write(ConfigEditor &editor, const LlmSetupChoice &choice);

    // The name a typed key is stored under in .ktx/secrets/ (e.g. "anthropic-api-key").
    static QString secretName(const QString &backend);
    // The llm.provider.<block> that holds api_key and base_url, empty when the
    // backend has none ("anthropic", "gateway", "openaiCompatible").
    static QString endpointBlock(const QString &backend);
    static QString defaultVertexLocation() { return QStringLiteral("us-east5"); }
};

} // namespace ktx
