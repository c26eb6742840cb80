#include "project/yamldocument.h"

#include <QSet>
#include <QStringList>

#include <libfyaml.h>

#include <memory>

namespace ktx {

namespace {

YamlMark toMark(const fy_mark *mark)
{
    if (!mark)
        return {};
    return {static_cast<qsizetype>(mark->input_pos), mark->line + 1, mark->column + 1};
}

struct ParserDeleter
{
    void operator()(fy_parser *p) const { fy_parser_destroy(p); }
};

// Builds the node tree from the event stream. Collections are pushed on a stack
// and attached to their parent when they end.
class TreeBuilder
{
public:
    TreeBuilder(fy_parser *parser, const QByteArray &text)
        : m_parser(parser)
        , m_text(text)
    { }

    std::optional<Error> run(std::optional<YamlNode> &root)
    {
        while (fy_event *event = fy_parser_parse(m_parser)) {
            std::optional<Error> error = handle(event, root);
            fy_parser_event_free(m_parser, event);
            if (error)
                return error;
        }
        return std::nullopt;
    }

private:
    struct Frame
    {
        YamlNode node;
        std::optional<YamlNode> pendingKey; // mappings: key awaiting its value
        QSet<QString> keys;
    };

    std::optional<Error> handle(fy_event *event, std::optional<YamlNode> &root)
    {
        switch (event->type) {
        case FYET_DOCUMENT_START:
            ++m_documents;
            if (m_documents > 1)
                return makeError(
                    QStringLiteral("yaml_multiple_documents"),
                    QStringLiteral("The file holds more than one YAML document (a second `---`)."),
                    QStringLiteral("Keep a single document in the file."));
            return std::nullopt;
        case FYET_MAPPING_START:
        case FYET_SEQUENCE_START: {
            YamlNode node;
            const bool mapping = event->type == FYET_MAPPING_START;
            node.kind = mapping ? YamlNode::Kind::Mapping : YamlNode::Kind::Sequence;
            fy_token *token = mapping ? event->mapping_start.mapping_start
                                      : event->sequence_start.sequence_start;
            const fy_token_type type = token ? fy_token_get_type(token) : FYTT_NONE;
            node.flow = type == FYTT_FLOW_MAPPING_START || type == FYTT_FLOW_SEQUENCE_START;
            node.start = toMark(fy_event_start_mark(event));
            node.end = node.start;
            m_stack.push_back(Frame {std::move(node), std::nullopt, {}});
            return std::nullopt;
        }
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END: {
            Frame frame = std::move(m_stack.back());
            m_stack.pop_back();
            YamlNode &node = frame.node;
            if (node.flow) {
                node.end = toMark(fy_event_end_mark(event));
            } else if (node.isMapping() && !node.entries.empty()) {
                node.end = node.entries.back().value.end;
            } else if (node.isSequence() && !node.items.empty()) {
                node.end = node.items.back().end;
            }
            return attach(std::move(node), root);
        }
        case FYET_SCALAR: {
            YamlNode node;
            node.kind = YamlNode::Kind::Scalar;
            fy_token *value = event->scalar.value;
            if (value) {
                size_t length = 0;
                const char *text = fy_token_get_text(value, &length);
                node.text = QString::fromUtf8(text, static_cast<qsizetype>(length));
                switch (fy_token_scalar_style(value)) {
                case FYSS_SINGLE_QUOTED:
                    node.scalarStyle = YamlNode::ScalarStyle::SingleQuoted;
                    break;
                case FYSS_DOUBLE_QUOTED:
                    node.scalarStyle = YamlNode::ScalarStyle::DoubleQuoted;
                    break;
                case FYSS_LITERAL:
                    node.scalarStyle = YamlNode::ScalarStyle::Literal;
                    break;
                case FYSS_FOLDED:
                    node.scalarStyle = YamlNode::ScalarStyle::Folded;
                    break;
                default:
                    break;
                }
                node.start = toMark(fy_token_start_mark(value));
                node.end = toMark(fy_token_end_mark(value));
                widenToQuotes(node);
            }
            if (!value || node.end.offset <= node.start.offset) {
                // `key:` with nothing after it: an empty value sitting right after the key.
                node.empty = node.text.isEmpty();
                const YamlMark anchor = emptyValueAnchor();
                node.start = anchor;
                node.end = anchor;
            }
            return attach(std::move(node), root);
        }
        case FYET_ALIAS: {
            YamlNode node;
            node.kind = YamlNode::Kind::Alias;
            size_t length = 0;
            const char *text = fy_token_get_text(event->alias.anchor, &length);
            node.text = QString::fromUtf8(text, static_cast<qsizetype>(length));
            node.start = toMark(fy_event_start_mark(event));
            node.end = toMark(fy_event_end_mark(event));
            return attach(std::move(node), root);
        }
        default:
            return std::nullopt;
        }
    }

    // libfyaml's marks of a quoted scalar exclude the quotes; our spans include
    // them, so a splice replaces the whole value and locations point at the quote.
    void widenToQuotes(YamlNode &node) const
    {
        const char quote = node.scalarStyle == YamlNode::ScalarStyle::SingleQuoted ? '\''
            : node.scalarStyle == YamlNode::ScalarStyle::DoubleQuoted              ? '"'
                                                                                   : 0;
        if (!quote)
            return;
        if (node.start.offset > 0 && m_text[node.start.offset - 1] == quote) {
            --node.start.offset;
            --node.start.column;
        }
        if (node.end.offset < m_text.size() && m_text[node.end.offset] == quote) {
            ++node.end.offset;
            ++node.end.column;
        }
    }

    // Where an empty value "is": just after the pending key's colon.
    YamlMark emptyValueAnchor() const
    {
        if (!m_stack.empty() && m_stack.back().pendingKey)
            return m_stack.back().pendingKey->end;
        if (!m_stack.empty())
            return m_stack.back().node.end;
        return {};
    }

    std::optional<Error> attach(YamlNode node, std::optional<YamlNode> &root)
    {
        if (m_stack.empty()) {
            root = std::move(node);
            return std::nullopt;
        }
        Frame &parent = m_stack.back();
        if (parent.node.isSequence()) {
            parent.node.items.push_back(std::move(node));
            parent.node.end = parent.node.items.back().end;
            return std::nullopt;
        }
        if (!parent.pendingKey) {
            if (node.isScalar() && parent.keys.contains(node.text)) {
                Error error = makeError(
                    QStringLiteral("yaml_duplicate_key"),
                    QStringLiteral("Duplicate key `%1`.").arg(node.text),
                    QStringLiteral(
                        "Keep one of the two entries; YAML keys must be unique in a mapping."));
                error.line = node.start.line;
                error.column = node.start.column;
                return error;
            }
            if (node.isScalar())
                parent.keys.insert(node.text);
            parent.pendingKey = std::move(node);
            return std::nullopt;
        }
        parent.node.entries.push_back(YamlEntry {std::move(*parent.pendingKey), std::move(node)});
        parent.pendingKey.reset();
        parent.node.end = parent.node.entries.back().value.end;
        return std::nullopt;
    }

    fy_parser *m_parser;
    const QByteArray &m_text;
    std::vector<Frame> m_stack;
    int m_documents = 0;
};

Error firstError(fy_diag *diag)
{
    Error error = makeError(
        QStringLiteral("yaml_parse_error"), QStringLiteral("invalid YAML"),
        QStringLiteral(
            "Fix the YAML syntax at the position shown (indentation, a missing colon or quote)."));
    void *iter = nullptr;
    while (fy_diag_error *e = fy_diag_errors_iterate(diag, &iter)) {
        if (e->type < FYET_ERROR)
            continue;
        // Collected diagnostics carry 1-based positions already.
        error.message = QString::fromUtf8(e->msg);
        error.line = e->line;
        error.column = e->column;
        break; // the first error is the one that matters
    }
    return error;
}

struct DiagDeleter
{
    void operator()(fy_diag *d) const { fy_diag_destroy(d); }
};

} // namespace

Result<YamlDocument> YamlDocument::parse(const QByteArray &text, const QString &fileName)
{
    YamlDocument document;
    document.m_text = text;

    // Diagnostics are collected, not printed: the caller decides how to report them.
    fy_diag_cfg diagConfig;
    fy_diag_cfg_default(&diagConfig);
    diagConfig.fp = nullptr;
    std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&diagConfig));
    if (!diag)
        return makeError(QStringLiteral("yaml_parse_error"),
                         QStringLiteral("cannot create the YAML parser"));
    fy_diag_set_collect_errors(diag.get(), true);
    fy_parse_cfg config = {};
    config.flags = FYPCF_QUIET;
    config.diag = diag.get();
    std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&config));
    if (!parser)
        return makeError(QStringLiteral("yaml_parse_error"),
                         QStringLiteral("cannot create the YAML parser"));
    // libfyaml reads from the buffer we keep alive in `document` for the parse.
    if (fy_parser_set_string(parser.get(), document.m_text.constData(),
                             static_cast<size_t>(document.m_text.size()))
        != 0)
        return makeError(QStringLiteral("yaml_parse_error"),
                         QStringLiteral("cannot read the YAML text"));

    TreeBuilder builder(parser.get(), document.m_text);
    std::optional<Error> error = builder.run(document.m_root);
    if (!error && fy_parser_get_stream_error(parser.get()))
        error = firstError(diag.get());
    if (error) {
        error->file = fileName;
        return *error;
    }
    return document;
}

const YamlNode *YamlDocument::at(const QStringList &path) const
{
    const YamlNode *node = root();
    for (const QString &key : path) {
        if (!node || !node->isMapping())
            return nullptr;
        node = node->find(key);
    }
    return node;
}

} // namespace ktx
