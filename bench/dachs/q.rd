<!-- bench/dachs/q.rd: a DaCHS resource descriptor publishing VoSpec's 2,000 demo spectra (the SDSS-format files
  that `vospec demo` writes) the way a DaCHS operator publishes spectra: an SSA table (a //ssap#view over an
  import table), listed in ivoa.obscore (//obscore#publishSSAPMIXC), with a DataLink service whose SODA part makes
  SDM spectra and cuts them (//soda#sdm_* generators), and queryable through DaCHS's TAP service. It exists only
  for issue 12's anchor benchmark (bench/dachs.sh copies it into DaCHS's inputs directory as vospecdemo/q.rd);
  written for DaCHS 2.7 from its reference documentation. -->
<resource schema="vospecdemo">
  <meta name="title">VoSpec demo spectra, published by DaCHS (benchmark)</meta>
  <meta name="description">The 2,000 generated SDSS-like spec-lite spectra of the VoSpec demo, served by DaCHS
    so that VoSpec can be timed against it on the same machine and the same PostgreSQL cluster.</meta>
  <meta name="creationDate">2026-12-04T00:00:00</meta>
  <meta name="subject">Spectroscopy</meta>
  <meta name="creator.name">VoSpec benchmark</meta>
  <meta name="contact.name">VoSpec benchmark</meta>
  <meta name="contact.email">bench@localhost</meta>
  <meta name="ssap.dataSource">survey</meta>
  <meta name="ssap.creationType">archival</meta>
  <meta name="productType">spectrum</meta>
  <meta name="ssap.testQuery">MAXREC=1</meta>

  <!-- What varies per spectrum; the constant SSA fields are set in the view below. -->
  <table id="raw" onDisk="True" adql="hidden" namePath="//ssap#instance">
    <column original="ssa_dateObs"/>
    <column original="ssa_dstitle"/>
    <column original="ssa_targname"/>
    <column original="ssa_targclass"/>
    <column original="ssa_redshift"/>
    <column original="ssa_length"/>
    <column original="ssa_specstart"/>
    <column original="ssa_specend"/>
    <column original="ssa_timeExt"/>
    <mixin>//products#table</mixin>
    <mixin>//ssap#plainlocation</mixin>
    <mixin>//ssap#simpleCoverage</mixin>
    <!-- an index on the positions obscore exposes as s_ra/s_dec, as DaCHS recommends for spectra in obscore -->
    <FEED source="//scs#splitPosIndex" long="degrees(long(ssa_location))" lat="degrees(lat(ssa_location))"/>
  </table>

  <data id="import">
    <recreateAfter>make_view</recreateAfter>
    <sources pattern="data/*.fits"/>
    <!-- headers of all HDUs: the primary one has position, MJD and the log-linear dispersion, COADD the number of
      pixels, SPECOBJ the redshift and class -->
    <fitsProdGrammar qnd="False" hdusField="hdus">
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.raw"</bind>
        <bind key="path">\fullDLURL{sdl}</bind>
        <bind key="fsize">150000</bind>
        <bind key="datalink">"\rdId#sdl"</bind>
        <bind key="mime">"application/x-votable+xml"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="raw">
      <rowmaker idmaps="*">
        <var key="nPix">@hdus[1].header["NAXIS2"]</var>
        <var key="specObj">@hdus[2].data[0]</var>
        <apply procDef="//ssap#fill-plainlocation">
          <bind key="ra">@PLUG_RA</bind>
          <bind key="dec">@PLUG_DEC</bind>
          <bind key="aperture">3/3600.</bind>
        </apply>
        <map key="ssa_dateObs">float(@MJD)</map>
        <map key="ssa_dstitle">"Demo spectrum plate %s fibre %s"%(@PLATEID, @FIBERID)</map>
        <map key="ssa_targname">str(@SPEC_ID)</map>
        <map key="ssa_targclass">@specObj["CLASS"].strip()</map>
        <map key="ssa_redshift">float(@specObj["Z"])</map>
        <map key="ssa_length">@nPix</map>
        <map key="ssa_specstart">10**float(@COEFF0)*1e-10</map>
        <map key="ssa_specend">10**(float(@COEFF0)+float(@COEFF1)*(@nPix-1))*1e-10</map>
        <map key="ssa_timeExt">float(@EXPTIME)</map>
      </rowmaker>
    </make>
  </data>

  <!-- The SSA table (a view over raw), also published to ivoa.obscore. -->
  <table id="main" onDisk="True" adql="True">
    <meta name="_associatedDatalinkService">
      <meta name="serviceId">sdl</meta>
      <meta name="idColumn">ssa_pubDID</meta>
    </meta>
    <mixin
      sourcetable="raw"
      copiedcolumns="*"
      ssa_aperture="3/3600."
      ssa_fluxunit="'1e-17erg.cm**-2.s**-1.Angstrom**-1'"
      ssa_spectralunit="'Angstrom'"
      ssa_bandpass="'Optical'"
      ssa_collection="'VoSpec demo'"
      ssa_fluxcalib="'CALIBRATED'"
      ssa_fluxucd="'phot.flux.density;em.wl'"
      ssa_speccalib="'CALIBRATED'"
      ssa_spectralucd="'em.wl'"
      ssa_region="ssa_region"
    >//ssap#view</mixin>
    <mixin
      calibLevel="2"
      coverage="ssa_region"
      sResolution="ssa_spaceres"
      oUCD="ssa_fluxucd"
      emUCD="ssa_spectralucd"
    >//obscore#publishSSAPMIXC</mixin>
  </table>

  <data id="make_view" auto="False">
    <make table="main"/>
  </data>

  <!-- One spectrum as an SDM table, built from its file for DataLink/SODA. -->
  <table id="instance" onDisk="False">
    <mixin ssaTable="main" spectralDescription="Vacuum wavelength" fluxDescription="Flux density"
      >//ssap#sdm-instance</mixin>
  </table>

  <data id="build_spectrum">
    <embeddedGrammar>
      <iterator>
        <code>
          from astropy.io import fits
          path = os.path.join(base.getConfig("inputsDir"), self.sourceToken["accref"])
          with fits.open(path) as hdus:
            coadd = hdus[1].data
            for loglam, flux in zip(coadd["loglam"], coadd["flux"]):
              yield {"spectral": 10**float(loglam), "flux": float(flux)}
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="instance">
      <parmaker>
        <apply procDef="//ssap#feedSSAToSDM"/>
      </parmaker>
    </make>
  </data>

  <service id="sdl" allowed="dlget,dlmeta">
    <meta name="title">DataLink and SODA for the VoSpec demo spectra</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"\rdId#main"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"\rdId#build_spectrum"</bind>
      </dataFunction>
      <FEED source="//soda#sdm_cutout"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>

  <service id="ssa" allowed="ssap.xml">
    <meta name="shortName">VoSpec demo SSA</meta>
    <meta name="ssap.complianceLevel">full</meta>
    <publish render="ssap.xml" sets="local"/>
    <ssapCore queriedTable="main">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>
</resource>
