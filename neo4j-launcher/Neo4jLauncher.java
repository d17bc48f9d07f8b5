// A Neo4j Community server for the tests, the benchmarks and `make neo4j`, started from the
// jars that pom.xml fetches into lib/ (run with `java -cp 'lib/*' Neo4jLauncher.java`).
//
// It starts Neo4j with Bolt on 127.0.0.1 (a free port unless --port is given), loads the
// settings of neo4j.conf beside this file, sets a generated password for the user neo4j,
// prints NEO4J_URI=..., NEO4J_USER=... and NEO4J_PASSWORD=... on stdout (one line each,
// then READY), and stays up until its standard input closes or it gets SIGTERM/SIGINT.
//
// Options: --data DIR (default: a temporary directory, removed on exit),
//          --port N (default 0: any free port), --pagecache SIZE (default 256m),
//          --plugins DIR (the plugin directory, e.g. Graph Data Science's jars; the
//          caller puts them on the class path too, as Neo4j's own start script does).
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Neo4jLauncher {
    public static void main(String[] args) throws Exception {
        Path data = null;
        int port = 0;
        String pagecache = "256m";
        Path plugins = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--pagecache" -> pagecache = args[++i];
                case "--plugins" -> plugins = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("unknown option " + args[i]
                            + " (use --data DIR, --port N, --pagecache SIZE, --plugins DIR)");
                    System.exit(2);
                }
            }
        }
        boolean temporary = data == null;
        Path home = temporary ? Files.createTempDirectory("neo4j-launcher-") : data;
        Files.createDirectories(home);
        Path conf = Path.of(System.getProperty("jdk.launcher.sourcefile", "Neo4jLauncher.java"))
                .toAbsolutePath().resolveSibling("neo4j.conf");

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(conf)
                .setConfig(Map.of(
                        BoltConnector.enabled, true,
                        BoltConnector.listen_address, new SocketAddress("127.0.0.1", port),
                        GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache)));
        if (plugins != null) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, plugins);
        }
        DatabaseManagementService dbms = builder.build();
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                dbms.shutdown();
                if (temporary) {
                    removeTree(home);
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-launcher-stop"));

        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        // Embedded access to the system database needs no login: set the password there.
        dbms.database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));

        GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(600_000)) {
            System.err.println("the database did not become available within 10 minutes");
            System.exit(1);
        }
        var bolt = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        System.out.println("NEO4J_URI=bolt://" + bolt.getHost() + ":" + bolt.getPort());
        System.out.println("NEO4J_USER=neo4j");
        System.out.println("NEO4J_PASSWORD=" + password);
        System.out.println("READY");
        System.out.flush();

        // Stay up until stdin closes (the parent process ended or closed the pipe).
        InputStream in = System.in;
        byte[] sink = new byte[256];
        while (in.read(sink) >= 0) {
            // ignore whatever is typed
        }
        stop.run();
        System.exit(0);
    }

    private static void removeTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }
}
