using Installatron.Core.Databases;

namespace Installatron.Databases.Tests.Support;

/// <summary>A few tables shaped like WordPress's, with the awkward values a real site holds.</summary>
public static class WordPressTables
{
    public static readonly string[] Names = ["wp_options", "wp_posts", "wp_postmeta", "wp_users"];

    public static readonly byte[] Blob = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0, 0, 0xFF, (byte)'\n', (byte)'"'];

    public static async Task CreateAsync(DatabaseConnection database)
    {
        await TestSql.ExecuteAsync(database, """
            CREATE TABLE wp_options (
              option_id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              option_name varchar(191) NOT NULL DEFAULT '',
              option_value longtext NOT NULL,
              autoload varchar(20) NOT NULL DEFAULT 'yes',
              PRIMARY KEY (option_id),
              UNIQUE KEY option_name (option_name),
              KEY autoload (autoload)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
            CREATE TABLE wp_posts (
              ID bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              post_author bigint(20) unsigned NOT NULL DEFAULT 0,
              post_date datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
              post_date_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
              post_content longtext NOT NULL,
              post_title text NOT NULL,
              post_status varchar(20) NOT NULL DEFAULT 'publish',
              menu_order int(11) NOT NULL DEFAULT 0,
              price decimal(30,8) DEFAULT NULL,
              rating double DEFAULT NULL,
              ratio float DEFAULT NULL,
              sticky tinyint(1) NOT NULL DEFAULT 0,
              flags bit(10) DEFAULT NULL,
              modified timestamp(3) NULL DEFAULT NULL,
              duration time DEFAULT NULL,
              thumbnail mediumblob DEFAULT NULL,
              guid char(36) DEFAULT NULL,
              kind enum('post','page','attachment') DEFAULT 'post',
              title_length int GENERATED ALWAYS AS (char_length(post_title)) VIRTUAL,
              PRIMARY KEY (ID),
              KEY post_author (post_author)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
            CREATE TABLE wp_postmeta (
              meta_id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              post_id bigint(20) unsigned NOT NULL DEFAULT 0,
              meta_key varchar(255) DEFAULT NULL,
              meta_value longtext DEFAULT NULL,
              PRIMARY KEY (meta_id),
              KEY post_id (post_id),
              CONSTRAINT fk_post FOREIGN KEY (post_id) REFERENCES wp_posts (ID)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
            CREATE TABLE wp_users (
              ID bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              user_login varchar(60) NOT NULL DEFAULT '',
              user_pass varchar(255) NOT NULL DEFAULT '',
              user_registered datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
              PRIMARY KEY (ID)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
            """);

        await TestSql.ExecuteAsync(database, "INSERT INTO wp_options (option_name, option_value, autoload) VALUES " +
            "('siteurl', 'http://example.test', 'yes'), ('blogname', 'Café 😀 «quotes» \"double\" \\\\ back', 'yes'), " +
            "('empty', '', 'no'), ('serialized', 'a:2:{i:0;s:3:\"foo\";i:1;s:4:\"b\r\na\";}', 'yes')");
        await TestSql.ExecuteAsync(database,
            "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title, price, rating, ratio, sticky, flags, modified, duration, thumbnail, guid, kind) VALUES " +
            "(1, '2024-02-29 23:59:59', '0000-00-00 00:00:00', ?, 'Hello 😀 world', 12345678901234567890.12345678, 0.1, 1.1, 1, b'1010101010', '2024-03-01 12:00:00.123', '-838:59:59', ?, '0f8fad5b-d9cb-469f-a165-70867728950e', 'page'), " +
            "(2, '1999-12-31 00:00:00', '1999-12-31 05:00:00', 'Line1\nLine2\ttab', '', NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL), " +
            "(2, '2000-01-01 00:00:00', '2000-01-01 00:00:00', '中文 العربية 𝕏', 'x', -0.00000001, -1.7976931348623157E308, -3.4e38, 127, b'0', '2038-01-19 03:14:07.999', '00:00:01', '', NULL, 'post')",
            "<!-- wp:paragraph -->\n<p>Post with \"quotes\", 'apostrophes', \\backslashes\\ and NUL \0 inside</p>\n<!-- /wp:paragraph -->",
            Blob);
        await TestSql.ExecuteAsync(database, "INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES (1, '_edit_lock', '1700000000:1'), (1, NULL, NULL), (3, '_thumb', 'a:0:{}')");
        await TestSql.ExecuteAsync(database, "INSERT INTO wp_users (user_login, user_pass, user_registered) VALUES ('admin', '$P$Bxyz', '0000-00-00 00:00:00')");
        // Leave a gap in the AUTO_INCREMENT sequence, as deleted posts do.
        await TestSql.ExecuteAsync(database, "INSERT INTO wp_users (user_login) VALUES ('deleted'); DELETE FROM wp_users WHERE user_login = 'deleted'");
    }
}
