#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "project/projectconfig.h"

#include <QProcessEnvironment>
#include <QStringList>
#include <QUrl>
#include <QVector>

#include <memory>

namespace ktx {

class RequestGovernor;

// Embeddings over the OpenAI-compatible POST {base}/embeddings API: OpenAI
// itself, Ollama, vLLM, LM Studio, a local sentence-transformers server. Texts go
// in batches; vectors come back in input order (the API may reorder by `index`);
// transient failures are retried through the governor. We bundle no model
// weights: local embeddings mean a local server speaking this API.
class EmbeddingClient
{
public:
    struct Settings
    {
        QUrl baseUrl; // ends in /v1 (or the server's equivalent)
        QString apiKey; // optional for local servers
        QString model;
        int dimensions = 0; // 0: whatever the model returns
        bool sendDimensions = false; // only models that accept the parameter (text-embedding-3*)
        int batchSize = 64;
    };

    EmbeddingClient(Settings settings, std::shared_ptr<RequestGovernor> governor = {});

    // From ingest.embeddings; errors name the missing piece. Backend "none"
    // is an error with code embeddings.none (search stays lexical).
    static Result<EmbeddingClient>
    fromConfig(const EmbeddingsConfig &config, const QString &projectDir,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    const Settings &settings() const { return m_settings; }

    Result<QList<QVector<float>>> embed(const QStringList &texts,
                                        const CancellationToken &cancel = {}) const;

    // One tiny request; on success the dimension the server returns.
    Result<int> probe(const CancellationToken &cancel = {}) const;

private:
    Settings m_settings;
    std::shared_ptr<RequestGovernor> m_governor;
};

} // namespace ktx
