#include "semanticbrowser.h"

#include "models/semanticsourcemodel.h"
#include "semantic/semanticlayerstore.h"
#include "sourceeditor.h"

#include <QDir>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

struct LayerOutcome
{
    QList<QPair<QString, QList<SemanticSource>>> connections;
};

LayerOutcome loadLayer(const QString &projectDir)
{
    LayerOutcome outcome;
    const SemanticLayerStore store(projectDir);
    for (const QString &id : store.connections())
        outcome.connections.append({id, store.load(id).sources});
    return outcome;
}

QString escaped(const QString &text)
{
    return text.toHtmlEscaped();
}

QString codeBlock(const QString &text)
{
    return QStringLiteral("<pre>%1</pre>").arg(escaped(text));
}

} // namespace

SemanticBrowser::SemanticBrowser(QWidget *parent)
    : QWidget(parent)
    , m_model(new SemanticSourceModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit)
    , m_tree(new QTreeView)
    , m_emptyLabel(new QLabel)
    , m_detail(new QTextBrowser)
    , m_editor(new SourceEditor)
{
    setObjectName(QStringLiteral("semanticBrowser"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);

    m_filter->setPlaceholderText(tr("Filter sources, columns, measures…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter the semantic layer"));
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text);
        if (!text.isEmpty())
            m_tree->expandToDepth(1);
    });

    m_tree->setObjectName(QStringLiteral("semanticTree"));
    m_tree->setAccessibleName(tr("Semantic layer"));
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(SemanticSourceModel::NameColumn,
                                           QHeaderView::ResizeToContents);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { showDetails(m_proxy->mapToSource(current)); });

    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyLabel->hide();

    m_detail->setObjectName(QStringLiteral("sourceDetail"));
    m_detail->setAccessibleName(tr("Details"));
    m_detail->setOpenLinks(false);
    m_detail->setFrameShape(QFrame::NoFrame);
    m_detail->setMinimumHeight(80);
    m_detail->setPlaceholderText(tr("Select a source, column, measure, join or segment to see its "
                                    "details and edit its YAML."));

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_tree, 1);
    leftLayout->addWidget(m_emptyLabel, 1);

    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(m_detail);
    right->addWidget(m_editor);
    right->setStretchFactor(0, 1);
    right->setStretchFactor(1, 4);
    right->setSizes({170, 630});
    right->setChildrenCollapsible(false);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addWidget(split);

    connect(m_editor, &SourceEditor::fileSaved, this, &SemanticBrowser::reload);
    setFocusProxy(m_tree);
}

SemanticBrowser::~SemanticBrowser() = default;

void SemanticBrowser::setProject(const QString &projectDir)
{
    if (projectDir == m_projectDir)
        return;
    clear();
    m_projectDir = projectDir;
    reload();
}

void SemanticBrowser::clear()
{
    ++m_generation;
    m_loading = false;
    m_projectDir.clear();
    m_model->clear();
    m_editor->closeFile();
    m_detail->clear();
}

void SemanticBrowser::reload()
{
    if (m_projectDir.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    m_loading = true;
    auto *watcher = new QFutureWatcher<LayerOutcome>(this);
    connect(watcher, &QFutureWatcher<LayerOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_loading = false;
        const LayerOutcome outcome = watcher->result();
        // Replacing a connection's rows drops the selection; put it back
        // without moving the editor's cursor.
        const QModelIndex before = m_proxy->mapToSource(m_tree->currentIndex());
        const QString keptConnection
            = before.data(SemanticSourceModel::ConnectionIdRole).toString();
        const QString keptSource = before.data(SemanticSourceModel::SourceNameRole).toString();
        QStringList seen;
        for (const auto &[id, sources] : outcome.connections) {
            m_model->setConnection(id, sources);
            seen << id;
        }
        for (const QString &id : m_model->connectionIds()) {
            if (!seen.contains(id))
                m_model->removeConnection(id);
        }
        const bool empty = m_model->rowCount() == 0;
        m_tree->setVisible(!empty);
        m_emptyLabel->setVisible(empty);
        m_emptyLabel->setText(tr("No semantic-layer sources yet.\n\nRun an ingest (Connections ▸ "
                                 "Run Ingest, or `ktx ingest`) to build them from a database."));
        // The first connection starts open: sources are what people come for.
        if (!empty && !m_tree->isExpanded(m_proxy->index(0, 0)))
            m_tree->expand(m_proxy->index(0, 0));
        if (!keptSource.isEmpty()) {
            m_restoring = true;
            selectSource(keptConnection, keptSource);
            m_restoring = false;
        }
        Q_EMIT sourcesShown();
    });
    watcher->setFuture(QtConcurrent::run(loadLayer, m_projectDir));
}

bool SemanticBrowser::selectSource(const QString &connectionId, const QString &sourceName)
{
    const QModelIndex index
        = m_proxy->mapFromSource(m_model->sourceIndex(connectionId, sourceName));
    if (!index.isValid())
        return false;
    m_tree->setCurrentIndex(index);
    m_tree->scrollTo(index);
    return true;
}

void SemanticBrowser::showDetails(const QModelIndex &index)
{
    if (!index.isValid()) {
        m_detail->clear();
        return;
    }
    using Kind = SemanticSourceModel::Kind;
    const Kind kind = m_model->kind(index);
    const QString name = index.data(SemanticSourceModel::NameRole).toString();
    const QString description = index.data(SemanticSourceModel::DescriptionRole).toString();
    const QString expression = index.data(SemanticSourceModel::ExpressionRole).toString();
    const QString filter = index.data(SemanticSourceModel::FilterRole).toString();
    QString html;
    const auto row = [&html](const QString &label, const QString &value) {
        if (!value.isEmpty())
            html += QStringLiteral(
                        "<tr><td style='padding-right:12px'><b>%1</b></td><td>%2</td></tr>")
                        .arg(label.toHtmlEscaped(), value);
    };
    QString kindName;
    switch (kind) {
    case Kind::Connection:
        kindName = tr("Connection");
        break;
    case Kind::Source:
        kindName = tr("Source");
        break;
    case Kind::ColumnGroup:
    case Kind::MeasureGroup:
    case Kind::JoinGroup:
    case Kind::SegmentGroup:
        kindName = tr("Group");
        break;
    case Kind::SourceColumn:
        kindName = tr("Column");
        break;
    case Kind::Measure:
        kindName = tr("Measure");
        break;
    case Kind::Join:
        kindName = tr("Join");
        break;
    case Kind::Segment:
        kindName = tr("Segment");
        break;
    }
    html += QStringLiteral("<h3>%1 <span style='font-weight:normal'>· %2</span></h3>")
                .arg(escaped(name), escaped(kindName));
    if (!description.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(escaped(description));
    html += QStringLiteral("<table>");
    const SemanticSource *source = m_model->source(index);
    switch (kind) {
    case Kind::Connection:
        row(tr("Sources"), QString::number(m_model->rowCount(index)));
        break;
    case Kind::Source:
        if (source) {
            row(source->isSqlSource() ? tr("SQL") : tr("Table"),
                source->isSqlSource() ? codeBlock(source->sql) : escaped(source->table));
            row(tr("Grain"), escaped(source->grain.join(QStringLiteral(", "))));
            row(tr("Contents"),
                escaped(tr("%1 columns, %2 measures, %3 joins, %4 segments")
                            .arg(source->columns.size())
                            .arg(source->measures.size())
                            .arg(source->joins.size())
                            .arg(source->segments.size())));
        }
        break;
    case Kind::SourceColumn:
        row(tr("Type"), escaped(filter));
        row(tr("Expression"), expression.isEmpty() ? QString() : codeBlock(expression));
        break;
    case Kind::Measure:
        row(tr("Expression"), codeBlock(expression));
        row(tr("Filter"), filter.isEmpty() ? QString() : codeBlock(filter));
        break;
    case Kind::Join:
        row(tr("On"), codeBlock(expression));
        row(tr("Relationship"), escaped(filter));
        break;
    case Kind::Segment:
        row(tr("Expression"), codeBlock(expression));
        break;
    default:
        break;
    }
    if (source)
        row(tr("File"), escaped(QDir(m_projectDir).relativeFilePath(source->filePath)));
    html += QStringLiteral("</table>");
    m_detail->setHtml(html);

    if (!source || source->filePath.isEmpty() || m_restoring)
        return;
    if (source->filePath != m_editor->filePath() && !m_editor->maybeClose())
        return;
    m_editor->showLocation(source->filePath, index.data(SemanticSourceModel::LineRole).toInt(),
                           index.data(SemanticSourceModel::ColumnRole).toInt());
}

} // namespace ktx
