using static VoSpec.Server.Web.WebPages;

namespace VoSpec.Server.Web;

/// <summary>
/// GET /view?ID=…[&amp;ID=…] : the spectrum viewer's shell. view.js reads each ID's DataLink document, fetches the data
/// through the SODA service it advertises (several spectra aligned through getSpec, overlaid or stacked), draws with
/// the vendored uPlot and keeps the view's state in the URL. The
/// page itself holds no data, so any ID (or none) gives the same page and the script reports what it cannot show.
/// </summary>
public static class ViewerPage
{
    public static string Render() => Shell("VoSpec – spectrum viewer", $$"""
        <h1>Spectrum viewer</h1>
        <p id="view-status" role="status"></p>
        <div id="legend" class="legend"></div>
        <p id="mask-legend" class="legend note" hidden></p>
        <div id="chart" class="chart" role="region" tabindex="0" aria-label="Spectrum plot: arrow keys pan, + and - zoom, 0 resets"></div>
        <form id="controls" class="controls" autocomplete="off">
          <fieldset><legend>Show</legend>
            <label><input type="checkbox" id="show-err" checked> ±1σ</label>
            <label><input type="checkbox" id="show-model" checked> model</label>
            <label><input type="checkbox" id="show-sky"> sky</label>
            <label><input type="checkbox" id="show-mask" checked> masked pixels</label>
            <label><input type="checkbox" id="show-lines" checked> lines</label>
          </fieldset>
          <fieldset><legend>Display</legend>
            <label>Smoothing <select id="kernel"><option value="box">boxcar</option><option value="gauss">Gaussian (FWHM)</option></select></label>
            <label>width <input type="number" id="smooth" min="1" max="3000" step="1" value="1"> <select id="swunit"><option value="px">px</option><option value="kms">km/s</option></select></label>
            <label>Units <select id="unit"><option value="A">Å</option><option value="nm">nm</option><option value="um">µm</option></select></label>
            <label>Flux <select id="fluxu"><option value="flam">f<sub>λ</sub></option><option value="fnu">f<sub>ν</sub> (µJy)</option></select></label>
            <label>Frame <select id="frame"><option value="obs">observed</option><option value="rest">rest</option></select></label>
            <label>Redshift <input type="range" id="z-slider" min="0" max="7" step="0.0001" value="0"> <input type="number" id="z" step="any" min="0" max="7" value="0"></label> <span id="z-note" class="note" hidden>(the rest frame’s; each stacked panel has its own redshift for its line list)</span>
            <label id="layout-box" hidden>Several spectra <select id="layout"><option value="overlay">overlaid (aligned through getSpec)</option><option value="stack">stacked</option></select></label>
          </fieldset>
          <fieldset><legend>Zoom</legend>
            <button type="button" id="zoom-in">Zoom in (+)</button> <button type="button" id="zoom-out">Zoom out (−)</button>
            <button type="button" id="pan-left">◀ Pan</button> <button type="button" id="pan-right">Pan ▶</button> <button type="button" id="reset">Reset (0)</button>
          </fieldset>
        </form>
        <section class="soda"><h2>This view as a SODA request</h2>
          <label>Format <select id="soda-format"><option value="application/fits">FITS</option><option value="application/x-votable+xml">VOTable</option><option value="text/csv">CSV</option><option value="application/x-npy">NumPy .npy</option></select></label>
          <div id="soda-urls"></div>
          <p><button type="button" id="samp-send">Send to SAMP hub</button> <span id="samp-status" role="status"></span></p>
          <p>Permalink: <a id="permalink" href="">this view</a> <button type="button" class="copy" data-copy="permalink">Copy</button></p>
          {{TokenNote}}
        </section>
        <p class="note">Line list: <a href="web/lines.json">web/lines.json</a> (vacuum rest wavelengths; its source is cited in the file).</p>
        """, "uplot/uPlot.min.css", "uplot/uPlot.iife.min.js", "common.js", "view.js");
}
