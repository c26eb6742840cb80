#include "connectionsarea.h"

#include "colorscheme.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "ingest/connectioncatalog.h"
#include "ingest/structuralingest.h"
#include "models/schematreemodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "relationshipdiagram.h"
#include "scan/columnprofiler.h"

#include <QCheckBox>
#include <QDir>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

struct CatalogOutcome
{
    bool ok = false;
    ConnectionCatalog catalog;
    QString error;
};

struct ProfileOutcome
{
    bool ok = false;
    TableProfile profile;
    QString error;
};

struct IngestOutcome
{
    bool ok = false;
    QString text;
};

Result<LoadedConfig> loadConfig(const QString &projectDir)
{
    return ConfigLoader::loadFile(QDir(projectDir).filePath(QStringLiteral("ktx.yaml")));
}

ProfileOutcome runProfile(const QString &projectDir, const QString &connectionId,
                          const SchemaTable &table)
{
    ProfileOutcome outcome;
    Result<LoadedConfig> loaded = loadConfig(projectDir);
    if (!loaded.ok()) {
        outcome.error = loaded.error().toText();
        return outcome;
    }
    const ConnectionConfig *connection = loaded->config.connection(connectionId);
    if (!connection) {
        outcome.error = QStringLiteral("ktx.yaml has no connection named %1.").arg(connectionId);
        return outcome;
    }
    Result<ConnectionSettings> settings = ConnectionSettings::fromConfig(*connection, projectDir);
    if (!settings.ok()) {
        outcome.error = settings.error().toText();
        return outcome;
    }
    SchemaSnapshot snapshot;
    snapshot.connectionId = connectionId;
    snapshot.driver = settings->driver;
    snapshot.tables << table;
    ColumnProfiler::Options options;
    options.concurrency = 1;
    options.deadline = QDeadlineTimer(60 * 1000);
    const ConnectionSettings resolved = *settings;
    Result<ProfilingResult> result = ColumnProfiler::profile(
        snapshot, [resolved] { return DatabaseSession::open(resolved); }, options);
    if (!result.ok()) {
        outcome.error = result.error().toText();
        return outcome;
    }
    if (result->tables.isEmpty()) {
        outcome.error = result->warnings.isEmpty()
            ? QStringLiteral("The table could not be profiled.")
            : result->warnings.first().message;
        return outcome;
    }
    outcome.ok = true;
    outcome.profile = result->tables.first();
    return outcome;
}

void runIngestJob(QPromise<IngestOutcome> &promise, const QString &projectDir,
                  const QString &connectionId, const CancellationToken &cancel)
{
    IngestOutcome outcome;
    Result<LoadedConfig> loaded = loadConfig(projectDir);
    if (!loaded.ok()) {
        outcome.text = loaded.error().toText();
        promise.addResult(outcome);
        return;
    }
    const ConnectionConfig *connection = loaded->config.connection(connectionId);
    if (!connection) {
        outcome.text = QStringLiteral("ktx.yaml has no connection named %1.").arg(connectionId);
        promise.addResult(outcome);
        return;
    }
    promise.setProgressRange(0, 1 << 30);
    int step = 0;
    Result<StructuralIngestResult> result = StructuralIngest::run(
        projectDir, loaded->config, *connection, cancel, [&promise, &step](const QString &message) {
            promise.setProgressValueAndText(++step, message);
        });
    outcome.ok = result.ok();
    outcome.text = result.ok() ? QString() : result.error().toText();
    promise.addResult(outcome);
}

QLabel *secondaryLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, ColorScheme::secondaryText(pal));
    label->setPalette(pal);
    return label;
}

} // namespace

ConnectionsArea::ConnectionsArea(QWidget *parent)
    : QWidget(parent)
    , m_model(new SchemaTreeModel(this))
{
    setObjectName(QStringLiteral("connectionsArea"));

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("connectionList"));
    m_list->setAccessibleName(tr("Connections"));
    m_list->setMinimumWidth(150);
    m_list->setMaximumWidth(240);

    m_stack = new QStackedWidget(this);

    // Empty, loading and error states share one page: a title, a sentence and,
    // where it helps, the action that fixes it.
    m_messagePage = new QWidget(m_stack);
    auto *messageLayout = new QVBoxLayout(m_messagePage);
    messageLayout->setContentsMargins(32, 32, 32, 32);
    m_messageTitle = new QLabel(m_messagePage);
    m_messageTitle->setObjectName(QStringLiteral("connectionsMessageTitle"));
    QFont titleFont = m_messageTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_messageTitle->setFont(titleFont);
    m_messageText = new QLabel(m_messagePage);
    m_messageText->setObjectName(QStringLiteral("connectionsMessage"));
    m_messageText->setWordWrap(true);
    m_messageText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_ingestButton = new QPushButton(tr("&Scan Now (ktx ingest)"), m_messagePage);
    m_ingestButton->setObjectName(QStringLiteral("runIngest"));
    m_ingestButton->setToolTip(tr("Runs the structural ingest: reads the schema, finds "
                                  "relationships and writes one semantic source per table."));
    connect(m_ingestButton, &QPushButton::clicked, this, &ConnectionsArea::runIngest);
    messageLayout->addWidget(m_messageTitle);
    messageLayout->addWidget(m_messageText);
    messageLayout->addSpacing(8);
    messageLayout->addWidget(m_ingestButton, 0, Qt::AlignLeft);
    messageLayout->addStretch(1);
    m_stack->addWidget(m_messagePage);

    auto *content = new QWidget(m_stack);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(content);
    m_header->setObjectName(QStringLiteral("connectionHeader"));
    m_header->setTextFormat(Qt::PlainText);
    m_tabs = new QTabWidget(content);
    m_tabs->setDocumentMode(true);

    auto *tablesTab = new QWidget(m_tabs);
    auto *tablesLayout = new QVBoxLayout(tablesTab);
    tablesLayout->setContentsMargins(0, 6, 0, 0);
    auto *tablesBar = new QHBoxLayout;
    m_profileButton = new QPushButton(tr("&Profile Table"), tablesTab);
    m_profileButton->setObjectName(QStringLiteral("profileTable"));
    m_profileButton->setToolTip(tr("Sample up to 10,000 rows of the selected table (read-only) "
                                   "and show null rate, distinct values and value ranges"));
    connect(m_profileButton, &QPushButton::clicked, this, &ConnectionsArea::profileSelectedTable);
    tablesBar->addWidget(m_profileButton);
    tablesBar->addStretch(1);
    m_tree = new QTreeView(tablesTab);
    m_tree->setObjectName(QStringLiteral("schemaTree"));
    m_tree->setAccessibleName(tr("Tables and columns"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->setColumnWidth(SchemaTreeModel::NameColumn, 220);
    m_tree->setColumnWidth(SchemaTreeModel::TypeColumn, 150);
    for (const auto &[column, width] : {std::pair {SchemaTreeModel::DimensionColumn, 80},
                                        {SchemaTreeModel::NullableColumn, 70},
                                        {SchemaTreeModel::KeyColumn, 40},
                                        {SchemaTreeModel::NullRateColumn, 60},
                                        {SchemaTreeModel::DistinctColumn, 70},
                                        {SchemaTreeModel::UniquenessColumn, 60},
                                        {SchemaTreeModel::MinColumn, 110},
                                        {SchemaTreeModel::MaxColumn, 110},
                                        {SchemaTreeModel::TopValuesColumn, 200}})
        m_tree->setColumnWidth(column, width);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ConnectionsArea::updateProfileAction);
    tablesLayout->addLayout(tablesBar);
    tablesLayout->addWidget(m_tree, 1);
    m_tabs->addTab(tablesTab, tr("&Tables"));

    auto *diagramTab = new QWidget(m_tabs);
    auto *diagramLayout = new QVBoxLayout(diagramTab);
    diagramLayout->setContentsMargins(0, 6, 0, 0);
    auto *diagramBar = new QHBoxLayout;
    m_diagram = new RelationshipDiagram(diagramTab);
    auto addTool
        = [diagramTab, diagramBar](const QString &text, const QString &tip, const QString &name) {
              auto *button = new QToolButton(diagramTab);
              button->setText(text);
              button->setToolTip(tip);
              button->setObjectName(name);
              diagramBar->addWidget(button);
              return button;
          };
    connect(addTool(tr("−"), tr("Zoom out (-)"), QStringLiteral("zoomOut")), &QToolButton::clicked,
            m_diagram, &RelationshipDiagram::zoomOut);
    connect(addTool(tr("+"), tr("Zoom in (+)"), QStringLiteral("zoomIn")), &QToolButton::clicked,
            m_diagram, &RelationshipDiagram::zoomIn);
    connect(addTool(tr("Fit"), tr("Fit the whole diagram (0)"), QStringLiteral("zoomFit")),
            &QToolButton::clicked, m_diagram, &RelationshipDiagram::fitAll);
    diagramBar->addSpacing(12);
    m_showRejected = new QCheckBox(tr("Show &rejected"), diagramTab);
    m_showRejected->setObjectName(QStringLiteral("showRejected"));
    connect(m_showRejected, &QCheckBox::toggled, m_diagram, &RelationshipDiagram::setShowRejected);
    diagramBar->addWidget(m_showRejected);
    diagramBar->addSpacing(12);
    m_legend = secondaryLabel(diagramTab);
    m_legend->setObjectName(QStringLiteral("diagramLegend"));
    diagramBar->addWidget(m_legend, 1);
    diagramLayout->addLayout(diagramBar);
    diagramLayout->addWidget(m_diagram, 1);
    m_tabs->addTab(diagramTab, tr("&Relationships"));

    contentLayout->addWidget(m_header);
    contentLayout->addWidget(m_tabs, 1);
    m_stack->addWidget(content);

    auto *busyRow = new QHBoxLayout;
    m_busyLabel = secondaryLabel(this);
    m_busyLabel->setObjectName(QStringLiteral("connectionsBusy"));
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedSize(96, 8);
    busyRow->addWidget(m_busyLabel, 1);
    busyRow->addWidget(m_busyBar);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(12, 12, 12, 8);
    rightLayout->addWidget(m_stack, 1);
    rightLayout->addLayout(busyRow);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 12, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_list);
    layout->addWidget(right, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_connections.size())
            load(m_connections.at(row).first);
    });

    setBusy({});
    showMessage(tr("No connection"), tr("Add a database connection with the setup wizard."), false);
}

ConnectionsArea::~ConnectionsArea()
{
    // A running ingest stops at its next check; its result is dropped with the watcher.
    m_ingestCancel.cancel();
}

void ConnectionsArea::setProject(const QString &projectDir, const ConnectionList &connections)
{
    if (projectDir == m_projectDir && connections == m_connections)
        return;
    const QString previous = m_connectionId;
    const bool sameProject = projectDir == m_projectDir;
    m_projectDir = projectDir;
    m_connections = connections;
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    int select = connections.isEmpty() ? -1 : 0;
    for (int i = 0; i < connections.size(); ++i) {
        auto *item = new QListWidgetItem(connections.at(i).first, m_list);
        item->setToolTip(tr("%1 connection").arg(connections.at(i).second));
        if (sameProject && connections.at(i).first == previous)
            select = i;
    }
    m_list->setCurrentRow(select);
    if (select < 0) {
        clear();
        return;
    }
    if (!sameProject || connections.at(select).first != previous)
        load(connections.at(select).first);
}

void ConnectionsArea::clear()
{
    ++m_loadGeneration;
    ++m_profileGeneration;
    m_loading = m_profiling = false;
    m_connectionId.clear();
    m_hasSnapshot = false;
    m_model->clear();
    m_diagram->setCatalog({});
    setBusy({});
    showMessage(tr("No connection"), tr("Add a database connection with the setup wizard."), false);
}

void ConnectionsArea::selectConnection(const QString &id)
{
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections.at(i).first == id)
            m_list->setCurrentRow(i);
    }
}

void ConnectionsArea::reload()
{
    if (!m_connectionId.isEmpty())
        load(m_connectionId);
}

void ConnectionsArea::showTables()
{
    m_tabs->setCurrentIndex(0);
    m_tree->setFocus();
}

void ConnectionsArea::showDiagram()
{
    m_tabs->setCurrentIndex(1);
    m_diagram->setFocus();
}

void ConnectionsArea::load(const QString &connectionId)
{
    const bool switching = connectionId != m_connectionId;
    m_connectionId = connectionId;
    const quint64 generation = ++m_loadGeneration;
    ++m_profileGeneration;
    m_profiling = false;
    m_loading = true;
    if (switching) {
        m_hasSnapshot = false;
        showMessage(connectionId, tr("Loading the latest snapshot…"), false);
    }
    setBusy(tr("Loading %1…").arg(connectionId));

    auto *watcher = new QFutureWatcher<CatalogOutcome>(this);
    connect(watcher, &QFutureWatcher<CatalogOutcome>::finished, this, [this, watcher, generation] {
        const CatalogOutcome outcome = watcher->result();
        watcher->deleteLater();
        if (generation != m_loadGeneration)
            return;
        m_loading = false;
        setBusy({});
        if (!outcome.ok) {
            m_hasSnapshot = false;
            showMessage(tr("The snapshot could not be read"), outcome.error, true);
            Q_EMIT catalogShown(m_connectionId);
            return;
        }
        showCatalog(outcome.catalog);
    });
    const QString dir = m_projectDir;
    watcher->setFuture(QtConcurrent::run([dir, connectionId] {
        CatalogOutcome outcome;
        Result<ConnectionCatalog> catalog = ConnectionCatalog::load(dir, connectionId);
        outcome.ok = catalog.ok();
        if (catalog.ok())
            outcome.catalog = *catalog;
        else
            outcome.error = catalog.error().toText();
        return outcome;
    }));
}

void ConnectionsArea::showCatalog(const ConnectionCatalog &catalog)
{
    m_hasSnapshot = catalog.hasSnapshot();
    if (!catalog.hasSnapshot()) {
        m_model->clear();
        m_diagram->setCatalog({});
        showMessage(tr("%1 has not been scanned yet").arg(catalog.connectionId),
                    tr("ktx shows tables, columns and relationships from the latest scan of this "
                       "connection. Scan it now, or run “ktx ingest %1” in the project folder; "
                       "the scan only reads from the database.")
                        .arg(catalog.connectionId),
                    true);
        Q_EMIT catalogShown(catalog.connectionId);
        return;
    }
    m_model->setTables(catalog.tables);
    m_diagram->setCatalog(catalog);
    int accepted = 0, review = 0, rejected = 0;
    for (const CatalogRelationship &r : catalog.relationships) {
        if (r.status == QLatin1String("accepted"))
            ++accepted;
        else if (r.status == QLatin1String("review"))
            ++review;
        else
            ++rejected;
    }
    m_header->setText(tr("%1 — %2 tables, %3 relationships · snapshot %4")
                          .arg(catalog.connectionId)
                          .arg(catalog.tables.size())
                          .arg(catalog.relationships.size())
                          .arg(QDir(catalog.syncDir).dirName()));
    m_legend->setText(tr("── accepted (%1)    ╌╌ review (%2)    ┈┈ rejected (%3)    "
                         "Drag to pan · Ctrl+wheel or +/− to zoom · hover a line for its score")
                          .arg(accepted)
                          .arg(review)
                          .arg(rejected));
    m_stack->setCurrentIndex(1);
    if (!m_tree->currentIndex().isValid() && m_model->rowCount() > 0)
        m_tree->setCurrentIndex(m_model->index(0, 0));
    updateProfileAction();
    Q_EMIT catalogShown(catalog.connectionId);
}

void ConnectionsArea::showMessage(const QString &title, const QString &text, bool offerIngest)
{
    m_messageTitle->setText(title);
    m_messageText->setText(text);
    m_ingestButton->setVisible(offerIngest && !m_connectionId.isEmpty());
    m_ingestButton->setEnabled(!m_ingesting);
    m_stack->setCurrentIndex(0);
}

void ConnectionsArea::updateProfileAction()
{
    const SchemaTable *table = m_model->tableAt(m_tree->currentIndex());
    m_profileButton->setEnabled(table && !m_profiling && !m_ingesting);
    m_profileButton->setText(table ? tr("&Profile %1").arg(table->ref.displayName())
                                   : tr("&Profile Table"));
}

void ConnectionsArea::setBusy(const QString &text)
{
    m_busyLabel->setText(text);
    m_busyLabel->setVisible(!text.isEmpty());
    m_busyBar->setVisible(!text.isEmpty());
}

void ConnectionsArea::profileSelectedTable()
{
    const SchemaTable *selected = m_model->tableAt(m_tree->currentIndex());
    if (!selected || m_profiling)
        return;
    const SchemaTable table = *selected;
    const quint64 generation = ++m_profileGeneration;
    m_profiling = true;
    updateProfileAction();
    setBusy(tr("Profiling %1…").arg(table.ref.displayName()));

    auto *watcher = new QFutureWatcher<ProfileOutcome>(this);
    connect(watcher, &QFutureWatcher<ProfileOutcome>::finished, this,
            [this, watcher, generation, name = table.ref.displayName()] {
                const ProfileOutcome outcome = watcher->result();
                watcher->deleteLater();
                if (generation != m_profileGeneration)
                    return;
                m_profiling = false;
                updateProfileAction();
                if (!outcome.ok) {
                    setBusy(tr("Profiling %1 failed: %2").arg(name, outcome.error));
                    m_busyBar->hide();
                    return;
                }
                setBusy({});
                m_model->setProfile(outcome.profile);
                const int row = [&] {
                    for (int i = 0; i < m_model->rowCount(); ++i)
                        if (m_model->tableAt(m_model->index(i, 0))->ref == outcome.profile.table)
                            return i;
                    return -1;
                }();
                if (row >= 0)
                    m_tree->expand(m_model->index(row, 0));
                Q_EMIT profileShown(name);
            });
    watcher->setFuture(QtConcurrent::run(runProfile, m_projectDir, m_connectionId, table));
}

void ConnectionsArea::runIngest()
{
    if (m_ingesting || m_connectionId.isEmpty())
        return;
    m_ingesting = true;
    m_ingestButton->setEnabled(false);
    m_ingestCancel = CancellationToken();
    setBusy(tr("Scanning %1…").arg(m_connectionId));
    const QString connectionId = m_connectionId;
    auto *watcher = new QFutureWatcher<IngestOutcome>(this);
    connect(watcher, &QFutureWatcher<IngestOutcome>::progressTextChanged, this,
            [this](const QString &text) { setBusy(text); });
    connect(watcher, &QFutureWatcher<IngestOutcome>::finished, this, [this, watcher, connectionId] {
        const IngestOutcome outcome
            = watcher->future().resultCount() > 0 ? watcher->result() : IngestOutcome();
        watcher->deleteLater();
        m_ingesting = false;
        m_ingestButton->setEnabled(true);
        setBusy({});
        if (!outcome.ok) {
            if (connectionId == m_connectionId)
                showMessage(tr("The scan of %1 failed").arg(connectionId), outcome.text, true);
        } else if (connectionId == m_connectionId) {
            load(connectionId);
        }
        Q_EMIT ingestFinished(outcome.ok);
    });
    watcher->setFuture(QtConcurrent::run(runIngestJob, m_projectDir, connectionId, m_ingestCancel));
}

} // namespace ktx
