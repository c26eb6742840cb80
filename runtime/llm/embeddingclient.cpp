#include "llm/embeddingclient.h"

#include "core/secretredactor.h"
#include "llm/modelhttp.h"
#include "llm/requestgovernor.h"
#include "project/secretref.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ktx {

namespace {

class WholeBody : public ResponseConsumer
{
public:
    QByteArray body;
    void reset() override { body.clear(); }
    void feed(const QByteArray &bytes) override { body += bytes; }
    std::optional<StreamFailure> finish() override
    {
        if (!QJsonDocument::fromJson(body).isObject())
            return StreamFailure {QStringLiteral("the embeddings response was not JSON"), false};
        return std::nullopt;
    }
};

} // namespace

EmbeddingClient::EmbeddingClient(Settings settings, std::shared_ptr<RequestGovernor> governor)
    : m_settings(std::move(settings))
    , m_governor(governor ? std::move(governor) : std::make_shared<RequestGovernor>())
{
    m_settings.batchSize = std::max(1, m_settings.batchSize);
}

Result<EmbeddingClient> EmbeddingClient::fromConfig(const EmbeddingsConfig &config,
                                                    const QString &projectDir,
                                                    const QProcessEnvironment &env)
{
    Settings s;
    s.model = config.model;
    s.dimensions = std::max(0, config.dimensions);
    s.batchSize = config.batchSize > 0 ? config.batchSize : 64;
    if (config.backend == QLatin1String("none") || config.backend.isEmpty()) {
        return makeError(
            QStringLiteral("embeddings.none"),
            QStringLiteral("No embeddings backend is configured; search is lexical only."),
            QStringLiteral("Set ingest.embeddings.backend to openai (OpenAI or any "
                           "OpenAI-compatible server such "
                           "as Ollama, vLLM or LM Studio) to add semantic search."));
    }
    if (s.model.isEmpty()) {
        return makeError(
            QStringLiteral("embeddings.model_missing"),
            QStringLiteral("ingest.embeddings.model is not set."),
            QStringLiteral(
                "Set ingest.embeddings.model, e.g. text-embedding-3-small or nomic-embed-text."));
    }
    if (config.backend == QLatin1String("openai")) {
        s.baseUrl
            = QUrl(config.openai.baseUrl.isEmpty() ? QStringLiteral("https://api.openai.com/v1")
                                                   : config.openai.baseUrl);
        s.sendDimensions
            = s.model.startsWith(QLatin1String("text-embedding-3")) && s.dimensions > 0;
        if (!config.openai.apiKey.isEmpty()) {
            const SecretRef ref = SecretRef::parse(config.openai.apiKey);
            if (ref.kind() == SecretRef::Kind::Env) {
                s.apiKey = env.value(ref.target());
                if (s.apiKey.isEmpty()) {
                    return makeError(QStringLiteral("embeddings.key_missing"),
                                     QStringLiteral("The embeddings key reference %1 points at an "
                                                    "environment variable that is not set.")
                                         .arg(ref.text()),
                                     QStringLiteral("Set %1, or store a key with `ktx setup "
                                                    "--embedding-api-key-file PATH`.")
                                         .arg(ref.target()));
                }
                SecretRedactor::registerSecret(s.apiKey);
            } else {
                Result<QString> key = ref.resolve(projectDir);
                if (!key)
                    return key.error();
                s.apiKey = key.value();
            }
        } else {
            s.apiKey = env.value(QStringLiteral("OPENAI_API_KEY"));
            if (!s.apiKey.isEmpty())
                SecretRedactor::registerSecret(s.apiKey);
        }
        if (s.apiKey.isEmpty() && config.openai.baseUrl.isEmpty()) {
            return makeError(QStringLiteral("embeddings.key_missing"),
                             QStringLiteral("No OpenAI API key for embeddings."),
                             QStringLiteral("Set OPENAI_API_KEY, or point "
                                            "ingest.embeddings.openai.base_url at a local server "
                                            "that needs no key."));
        }
    } else if (config.backend == QLatin1String("sentence-transformers")) {
        if (config.sentenceTransformersBaseUrl.isEmpty()) {
            return makeError(
                QStringLiteral("embeddings.base_url_missing"),
                QStringLiteral("ingest.embeddings.sentenceTransformers.base_url is not set."),
                QStringLiteral("Run a local embeddings server that speaks the OpenAI "
                               "/v1/embeddings API and set its URL."));
        }
        s.baseUrl
            = QUrl(config.sentenceTransformersBaseUrl + config.sentenceTransformersPathPrefix);
    } else {
        return makeError(QStringLiteral("embeddings.unknown_backend"),
                         QStringLiteral("Unknown embeddings backend \"%1\".").arg(config.backend),
                         QStringLiteral("Use none, openai or sentence-transformers."));
    }
    return EmbeddingClient(s);
}

Result<QList<QVector<float>>> EmbeddingClient::embed(const QStringList &texts,
                                                     const CancellationToken &cancel) const
{
    QList<QVector<float>> out;
    out.reserve(texts.size());
    QString base = m_settings.baseUrl.toString();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    for (qsizetype start = 0; start < texts.size(); start += m_settings.batchSize) {
        const QStringList batch = texts.mid(start, m_settings.batchSize);
        QJsonObject body {{QStringLiteral("model"), m_settings.model},
                          {QStringLiteral("input"), QJsonArray::fromStringList(batch)},
                          {QStringLiteral("encoding_format"), QStringLiteral("float")}};
        if (m_settings.sendDimensions)
            body.insert(QStringLiteral("dimensions"), m_settings.dimensions);
        ModelHttpRequest http;
        http.url = QUrl(base + QStringLiteral("/embeddings"));
        http.provider = QStringLiteral("the embeddings server");
        http.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        http.idleTimeoutMs = 120000;
        if (!m_settings.apiKey.isEmpty())
            http.headers << qMakePair(QByteArrayLiteral("authorization"),
                                      "Bearer " + m_settings.apiKey.toUtf8());
        WholeBody consumer;
        const Result<void> sent = ModelHttp::post(http, consumer, *m_governor, cancel, {});
        if (!sent)
            return sent.error();
        const QJsonArray data = QJsonDocument::fromJson(consumer.body)
                                    .object()
                                    .value(QStringLiteral("data"))
                                    .toArray();
        if (data.size() != batch.size()) {
            return makeError(
                QStringLiteral("embeddings.bad_response"),
                QStringLiteral("The embeddings server returned %1 vectors for %2 texts.")
                    .arg(data.size())
                    .arg(batch.size()));
        }
        QList<QVector<float>> vectors(batch.size());
        for (const QJsonValue &v : data) {
            const QJsonObject item = v.toObject();
            const int index = item.value(QStringLiteral("index")).toInt(-1);
            if (index < 0 || index >= batch.size() || !vectors.at(index).isEmpty())
                return makeError(QStringLiteral("embeddings.bad_response"),
                                 QStringLiteral("The embeddings server returned a bad index."));
            const QJsonArray values = item.value(QStringLiteral("embedding")).toArray();
            QVector<float> vec;
            vec.reserve(values.size());
            for (const QJsonValue &x : values)
                vec.append(float(x.toDouble()));
            if (m_settings.dimensions > 0 && vec.size() != m_settings.dimensions) {
                return makeError(
                    QStringLiteral("embeddings.dimension_mismatch"),
                    QStringLiteral("The model returned %1-dimensional vectors, but "
                                   "ingest.embeddings.dimensions is %2.")
                        .arg(vec.size())
                        .arg(m_settings.dimensions),
                    QStringLiteral("Set ingest.embeddings.dimensions: %1 (the index is rebuilt).")
                        .arg(vec.size()));
            }
            vectors[index] = std::move(vec);
        }
        out += vectors;
    }
    return out;
}

Result<int> EmbeddingClient::probe(const CancellationToken &cancel) const
{
    Result<QList<QVector<float>>> v = embed({QStringLiteral("ktx embeddings check")}, cancel);
    if (!v)
        return v.error();
    return int(v->first().size());
}

} // namespace ktx
