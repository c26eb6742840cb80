#pragma once

#include "core/cancellationtoken.h"

#include <QPair>
#include <QWidget>

class QCheckBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace ktx {

class RelationshipDiagram;
class SchemaTreeModel;
struct ConnectionCatalog;

// The "Connections" area: the project's database connections; for the selected
// one, the tables and columns of its latest snapshot (with column profiles on
// request) and the relationship diagram. Everything that touches disk or a
// database runs on the thread pool; a result for a connection that is no longer
// selected, or from an older request, is dropped.
class ConnectionsArea : public QWidget
{
    Q_OBJECT

public:
    // id and driver of each database connection.
    using ConnectionList = QList<QPair<QString, QString>>;

    explicit ConnectionsArea(QWidget *parent = nullptr);
    ~ConnectionsArea() override;

    void setProject(const QString &projectDir, const ConnectionList &connections);
    void clear();

    QString currentConnection() const { return m_connectionId; }
    void selectConnection(const QString &id);
    SchemaTreeModel *schemaModel() const { return m_model; }
    RelationshipDiagram *diagram() const { return m_diagram; }
    QTreeView *tableView() const { return m_tree; }
    bool isLoading() const { return m_loading; }
    bool hasSnapshot() const { return m_hasSnapshot; }

public Q_SLOTS:
    void reload();
    void profileSelectedTable();
    void runIngest();
    void showTables();
    void showDiagram();

Q_SIGNALS:
    // A load finished: tables and diagram, or the empty/error state, are on screen.
    void catalogShown(const QString &connectionId);
    void profileShown(const QString &table);
    void ingestFinished(bool ok);

private:
    void load(const QString &connectionId);
    void showCatalog(const ConnectionCatalog &catalog);
    void showMessage(const QString &title, const QString &text, bool offerIngest);
    void updateProfileAction();
    void setBusy(const QString &text);

    QString m_projectDir;
    QString m_connectionId;
    ConnectionList m_connections;
    quint64 m_loadGeneration = 0;
    quint64 m_profileGeneration = 0;
    bool m_loading = false;
    bool m_profiling = false;
    bool m_ingesting = false;
    bool m_hasSnapshot = false;
    CancellationToken m_ingestCancel;

    QListWidget *m_list = nullptr;
    QStackedWidget *m_stack = nullptr;
    QWidget *m_messagePage = nullptr;
    QLabel *m_messageTitle = nullptr;
    QLabel *m_messageText = nullptr;
    QPushButton *m_ingestButton = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_header = nullptr;
    QTreeView *m_tree = nullptr;
    SchemaTreeModel *m_model = nullptr;
    QPushButton *m_profileButton = nullptr;
    RelationshipDiagram *m_diagram = nullptr;
    QCheckBox *m_showRejected = nullptr;
    QLabel *m_legend = nullptr;
    QLabel *m_busyLabel = nullptr;
    QProgressBar *m_busyBar = nullptr;
};

} // namespace ktx
