package org.fewgen.backbone;

import org.fewgen.io.NpmPackage;
import org.fewgen.util.SettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The importer reproduces the weights files fewgen was developed with, byte for byte. Needs the
 * nsfwjs 4.4.0 tarball: from the cache ({@code $FEWGEN_CACHE} or {@code ~/.cache/fewgen}/npm), or
 * downloaded from the npm registry once when the cache is empty.
 */
class NsfwjsImportTest {

    @TempDir
    Path tmp;

    @Test
    void convertsBothNetworksToTheReferenceFilesByteForByte() throws Exception {
        List<Path> files = NsfwjsImport.importAll("4.4.0", NpmPackage.defaultCacheRoot(), tmp, System.err::println);
        assertThat(files).containsExactly(tmp.resolve("mobilenetv2_100.nsfwjs.safetensors"),
                tmp.resolve("inception_v3.nsfwjs.safetensors"));
        // the sha256 values published with the files (shared/weights/README.md, models/README.md)
        assertThat(NpmPackage.sha256(files.get(0)))
                .isEqualTo("803e8e0a97e61469b123f633a386b5fc386d29993d8ee8cc2c5fa5a77ae60a01")
                .isEqualTo(PretrainedWeights.MOBILENETV2_SHA256);
        assertThat(NpmPackage.sha256(files.get(1)))
                .isEqualTo("c9b1f4e78cd33ef3ba0f47145205468a5045fd6758e05dd9e8535e16c5cda574");
        try (var left = Files.list(tmp)) {
            assertThat(left).as("no temporary files left").hasSize(2);
        }
    }

    @Test
    void ensureKeepsAGoodFileAndReplacesADamagedOne() throws Exception {
        Path cache = NpmPackage.defaultCacheRoot();
        Path file = NsfwjsImport.ensure(NsfwjsImport.Model.MOBILENET_V2, tmp, cache, s -> { });
        long modified = Files.getLastModifiedTime(file).toMillis();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(modified - 60_000));
        NsfwjsImport.ensure(NsfwjsImport.Model.MOBILENET_V2, tmp, cache, s -> { });
        assertThat(Files.getLastModifiedTime(file).toMillis()).as("a good file is kept").isEqualTo(modified - 60_000);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        NsfwjsImport.ensure(NsfwjsImport.Model.MOBILENET_V2, tmp, cache, s -> { });
        assertThat(NpmPackage.sha256(file)).isEqualTo(NsfwjsImport.Model.MOBILENET_V2.sha256());
    }

    @Test
    void knowsTheChecksumOfOneVersionOnly() {
        assertThat(NsfwjsImport.pkg("4.4.0").sha256())
                .isEqualTo("585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382");
        assertThatThrownBy(() -> NsfwjsImport.pkg("4.3.0"))
                .isInstanceOf(SettingException.class)
                .hasMessage("version 4.3.0: no known checksum for nsfwjs@4.3.0; fewgen imports nsfwjs 4.4.0 only");
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsMinifiedJavaScriptLiterals() {
        String js = "x=1;a.exports={modelTopology:{k:!0,f:!1,n:null},w:[.5,-1.25e-2,1963e-20,3],"
                + "\"q\":'it\\'s',s:\"a\\\"b\\u0041\"};";
        Map<String, Object> m = (Map<String, Object>) JsLiteral.parse(js, js.indexOf('{'));
        assertThat((Map<String, Object>) m.get("modelTopology")).containsEntry("k", true).containsEntry("f", false)
                .containsEntry("n", null);
        assertThat((List<Object>) m.get("w")).containsExactly(0.5, -0.0125, 1963e-20, 3.0);
        assertThat(m).containsEntry("q", "it's").containsEntry("s", "a\"bA");
        assertThatThrownBy(() -> JsLiteral.parse("{a:1 b:2}", 0)).hasMessageContaining("expected ',' or '}'");
    }

    @Test
    void writesJsonStringsAsPythonsJsonModuleDoes() {
        assertThat(NsfwjsImport.jsonString("a\"b\\c\nd\u00e9")).isEqualTo("\"a\\\"b\\\\c\\nd\\u00e9\"");
    }
}
