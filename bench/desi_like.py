# Writes DESI-like coadd files for the ingest benchmark (bench/VoSpec.Bench desi-ingest): each is the real
# coadd-sv3-dark-26065.fits grown to 500 target fibres (its target rows repeated with new TARGETIDs, every image
# row with them, EXP_FIBERMAP to match) under its own HEALPix pixel, so each file is a full-size DESI coadd.
# Usage: /usr/bin/python3 bench/desi_like.py SOURCE OUT_DIR FILES [FIBRES]
import sys, os
import numpy as np
from astropy.io import fits

source, out, files = sys.argv[1], sys.argv[2], int(sys.argv[3])
fibres = int(sys.argv[4]) if len(sys.argv) > 4 else 500
os.makedirs(out, exist_ok=True)
with fits.open(source) as h:
    fm = h['FIBERMAP'].data
    targets = np.flatnonzero((fm['OBJTYPE'] == 'TGT') & (fm['TARGETID'] > 0))
    rows = np.resize(targets, fibres)
    exp = h['EXP_FIBERMAP'].data
    for i in range(files):
        hp = 26065 + i
        primary = h[0].copy()
        primary.header['HPXPIXEL'] = hp
        primary.header['SPGRPVAL'] = hp
        new_fm = fits.BinTableHDU(fm[rows], header=h['FIBERMAP'].header, name='FIBERMAP')
        ids = (np.int64(1) << 50) + np.int64(i) * fibres + np.arange(fibres, dtype=np.int64)
        new_fm.data['TARGETID'] = ids
        # Each new target's exposures: the exposures of the real target it repeats.
        pick, new_ids = [], []
        for k, r in enumerate(rows):
            e = np.flatnonzero(exp['TARGETID'] == fm['TARGETID'][r])
            pick.extend(e); new_ids.extend([ids[k]] * len(e))
        new_exp = fits.BinTableHDU(exp[np.array(pick, dtype=int)], header=h['EXP_FIBERMAP'].header, name='EXP_FIBERMAP')
        new_exp.data['TARGETID'] = np.array(new_ids, dtype=np.int64)
        hdus = [primary, new_fm, new_exp]
        for arm in 'BRZ':
            hdus.append(h[arm + '_WAVELENGTH'].copy())
            for kind in ('FLUX', 'IVAR', 'MASK', 'RESOLUTION'):
                src = h[f'{arm}_{kind}']
                hdus.append(fits.ImageHDU(src.data[rows], header=src.header, name=f'{arm}_{kind}'))
        fits.HDUList(hdus).writeto(os.path.join(out, f'coadd-sv3-dark-{hp}.fits'), overwrite=True)
print(f'wrote {files} files of {fibres} fibres to {out}')
