using System.Text;
using Installatron.Core.Sites;

namespace Installatron.Sites.Tests;

/// <summary><c>wp-config.php</c> as people write it, read statically: values known, or a clear reason why not.</summary>
public sealed class WordPressConfigTests
{
    /// <summary>The shape of WordPress's own wp-config-sample.php, filled in.</summary>
    private const string SampleStyle = """
        <?php
        /**
         * The base configuration for WordPress
         *
         * @link https://wordpress.org/documentation/article/editing-wp-config-php/
         *
         * @package WordPress
         */

        // ** Database settings - You can get this info from your web host ** //
        /** The name of the database for WordPress */
        define( 'DB_NAME', 'blog_db' );

        /** Database username */
        define( 'DB_USER', 'blog_user' );

        /** Database password */
        define( 'DB_PASSWORD', 'pa55-word' );

        /** Database hostname */
        define( 'DB_HOST', 'localhost' );

        /** Database charset to use in creating database tables. */
        define( 'DB_CHARSET', 'utf8mb4' );

        define( 'AUTH_KEY',         'put your unique phrase here' );

        /**
         * WordPress database table prefix.
         */
        $table_prefix = 'wp_';

        define( 'WP_DEBUG', false );

        /* That's all, stop editing! Happy publishing. */

        /** Absolute path to the WordPress directory. */
        if ( ! defined( 'ABSPATH' ) ) {
        	define( 'ABSPATH', __DIR__ . '/' );
        }

        /** Sets up WordPress vars and included files. */
        require_once ABSPATH . 'wp-settings.php';
        """;

    [Fact]
    public void ParseConfig_SampleStyle_AllDatabaseSettings()
    {
        var config = Parse(SampleStyle);

        Assert.Equal("blog_db", config.DbName?.Text);
        Assert.Equal("blog_user", config.DbUser?.Text);
        Assert.Equal("pa55-word", config.DbPassword?.Text);
        Assert.Equal("localhost", config.DbHost?.Text);
        Assert.Equal("wp_", config.TablePrefix?.Text);
        Assert.Equal(12, config.DbName?.Line);
    }

    [Fact]
    public void ParseConfig_DoubleQuotesAndEscapes_Decoded()
    {
        var config = Parse("""
            <?php
            define("DB_NAME", "shop");
            define('DB_USER', 'o\'brien');
            define("DB_PASSWORD", "a\"b\\c\$d\x41\101\u{e9}\n");
            define('DB_HOST', 'c:\\path\d');
            $table_prefix  = "wp2_";
            """);

        Assert.Equal("shop", config.DbName?.Text);
        Assert.Equal("o'brien", config.DbUser?.Text);
        Assert.Equal("a\"b\\c$dAAé\n", config.DbPassword?.Text);
        Assert.Equal(@"c:\path\d", config.DbHost?.Text);
        Assert.Equal("wp2_", config.TablePrefix?.Text);
    }

    [Theory]
    [InlineData("127.0.0.1:3307")]
    [InlineData("localhost:/var/run/mysqld/mysqld.sock")]
    [InlineData("/run/mysqld/mysqld.sock")]
    [InlineData("[::1]:3306")]
    public void ParseConfig_HostWithPortOrSocket_KeptAsWritten(string host)
    {
        Assert.Equal(host, Parse($"<?php define( 'DB_HOST', '{host}' );").DbHost?.Text);
    }

    [Fact]
    public void ParseConfig_CommentsAroundAndInside_OnlyLiveCodeCounts()
    {
        var config = Parse("""
            <?php
            // define('DB_NAME', 'old_line_comment');
            # define('DB_NAME', 'old_hash_comment');
            /* define('DB_NAME', 'old_block');
               define('DB_USER', 'old_user'); */
            define( /* the database */ 'DB_NAME', // its name:
                'live_db' ) ; // trailing comment ?> still comment
            <?php
            define('DB_USER', 'u' /* not the end */);
            /**
             * $table_prefix = 'commented_';
             */
            $table_prefix = 'live_'; # done
            """);

        Assert.Equal("live_db", config.DbName?.Text);
        Assert.Equal("u", config.DbUser?.Text);
        Assert.Equal("live_", config.TablePrefix?.Text);
        Assert.Null(config.DbPassword);
    }

    [Fact]
    public void ParseConfig_EnvironmentValues_UnknownWithWhatTheyUseButNotTheirText()
    {
        var config = Parse("""
            <?php
            define('DB_NAME', getenv('WORDPRESS_DB_NAME'));
            define('DB_USER', $_ENV['DB_USER']);
            define('DB_PASSWORD', 'secret-start' . getenv('PASSWORD_SUFFIX'));
            define('DB_HOST', "db-$suffix");
            $table_prefix = MY_PREFIX;
            """);

        Assert.False(config.DbName!.IsKnown);
        Assert.Equal("calls getenv()", config.DbName.Problem);
        Assert.Equal("uses the variable $_ENV", config.DbUser?.Problem);
        Assert.Equal("calls getenv()", config.DbPassword?.Problem);
        Assert.DoesNotContain("secret", config.DbPassword?.Problem);
        Assert.Equal("is a string with a variable in it", config.DbHost?.Problem);
        Assert.Equal("uses the constant MY_PREFIX", config.TablePrefix?.Problem);
    }

    [Fact]
    public void ParseConfig_SetInTwoBranches_UnknownNamingTheLines()
    {
        var config = Parse("""
            <?php
            if ( file_exists( __DIR__ . '/local' ) ) {
                define( 'DB_NAME', 'dev' );
            } else {
                define( 'DB_NAME', 'prod' );
            }
            define( 'DB_USER', 'same' );
            if ( ! defined( 'DB_USER' ) ) { define( 'DB_USER', 'same' ); }
            $table_prefix = 'wp_';
            $table_prefix .= 'blog_';
            """);

        Assert.Equal("is set 2 times (lines 3, 5); which one applies is only known when PHP runs", config.DbName?.Problem);
        Assert.Equal("same", config.DbUser?.Text);
        Assert.False(config.TablePrefix!.IsKnown);
    }

    [Fact]
    public void ParseConfig_ConcatenatedLiteralsBomHeredocAndClosingTag_Read()
    {
        var source = "\uFEFF<?php\n$intro = <<<EOT\ndefine('DB_NAME', 'inside_heredoc');\nEOT;\n" +
                     "define('DB_NAME', 'wp' . \"_\" . 'site' . 2);\n$table_prefix = 'a' . 'b_' ?>\n<p>html define('DB_USER', 'no')</p>\n";
        var config = Parse(source);

        Assert.Equal("wp_site2", config.DbName?.Text);
        Assert.Equal("ab_", config.TablePrefix?.Text);
        Assert.Null(config.DbUser);
    }

    [Fact]
    public void ParseConfig_Latin1Password_UnknownNotUtf8()
    {
        var bytes = Encoding.Latin1.GetBytes("<?php define('DB_PASSWORD', 'caf\u00e9');");

        var config = WordPressSiteFiles.ParseConfig(bytes, "wp-config.php");

        Assert.Equal("is not UTF-8 text", config.DbPassword?.Problem);
    }

    [Fact]
    public void ParseConfig_MethodNamedDefine_NotAConstant()
    {
        var config = Parse("<?php $o->define('DB_NAME', 'no'); Foo::define('DB_NAME', 'no'); define('DB_USER', 'yes');");

        Assert.Null(config.DbName);
        Assert.Equal("yes", config.DbUser?.Text);
    }

    private static WordPressConfig Parse(string source) => WordPressSiteFiles.ParseConfig(Encoding.UTF8.GetBytes(source), "wp-config.php");
}
